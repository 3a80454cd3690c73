import Link from "next/link";
import { redirect } from "next/navigation";
import { RotationPolicyForm } from "@/components/policies/rotation-policy-form";
import { StoreDownNotice } from "@/components/session/store-down-notice";
import { isFaucetError } from "@/lib/faucet";
import { formatUtcTime } from "@/lib/format-utc-time";
import { loadPolicyPage, type PolicyPage } from "@/lib/policies/load-policy-page";
import { pageSession } from "@/lib/session/page-session";
import { endSessionIfRefused } from "@/lib/session/session-store";
import { isStoreUnavailable } from "@/lib/store/store-unavailable-error";

export const metadata = { title: "Rotation policies · Faucet Console" };

const ARMING_WORDS: Record<PolicyPage["arming"], string> = {
  armed:
    "Armed: the console holds your operator key sealed for its worker and rotates due keys of agents with a connected host.",
  paused:
    "Paused: the faucet refused the operator key the policies were armed with (it was rotated). Save a policy again to re-arm them.",
  none: "No policy: the console holds no key for a worker.",
};

/** The operator-wide policy, the armed state, and "Keys past their policy" (README "Rotation policies"). */
export default async function PoliciesPage() {
  const session = await pageSession();
  if (session === null)
    return <StoreDownNotice title="The console cannot open your session" retryHref="/agents/policies" />;
  // Rendered per request: the clock read is this request's.
  // eslint-disable-next-line react-hooks/purity
  const now = Date.now();
  let page: PolicyPage;
  try {
    page = await loadPolicyPage(session, now);
  } catch (error) {
    if (isFaucetError(error) && error.kind === "invalid_key") {
      redirect((await endSessionIfRefused(session)) === "key_invalid" ? "/?reason=key_invalid" : "/agents/policies");
    }
    if (isStoreUnavailable(error))
      return <StoreDownNotice title="The rotation policies could not be loaded" retryHref="/agents/policies" />;
    throw error;
  }
  return (
    <section className="flex flex-col gap-6">
      <p className="text-sm">
        <Link href="/agents" className="text-blue-700 underline">
          ← Agents
        </Link>
      </p>
      <h1 className="text-2xl font-semibold text-slate-900">Rotation policies</h1>
      <div className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4">
        <h2 className="text-lg font-semibold text-slate-900">All agents</h2>
        <p className="text-sm text-slate-700">{ARMING_WORDS[page.arming]}</p>
        <RotationPolicyForm agentId={null} everyDays={page.operatorWide} />
      </div>
      <div className="flex flex-col gap-2">
        <h2 className="text-lg font-semibold text-slate-900">Keys past their policy ({page.overdue.length})</h2>
        <p className="text-sm">
          <Link href="/agents?filter=past-policy" className="text-blue-700 underline">
            Show them in the agents table
          </Link>
        </p>
        {page.overdue.length === 0 ? (
          <p className="text-sm text-slate-600">No key is past its policy.</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 text-slate-600">
                <th className="py-2 pr-3 font-medium">Agent</th>
                <th className="py-2 pr-3 font-medium">Key</th>
                <th className="py-2 pr-3 font-medium">Due since</th>
                <th className="py-2 font-medium">What happens</th>
              </tr>
            </thead>
            <tbody>
              {page.overdue.map((row) => (
                <tr key={row.id} className="border-b border-slate-100" data-agent-id={row.id}>
                  <td className="py-2 pr-3">
                    <Link href={`/agents/${row.id}`} className="text-blue-700 underline">
                      {row.name}
                    </Link>
                  </td>
                  <td className="py-2 pr-3">{row.reminder}</td>
                  <td className="py-2 pr-3 tabular-nums">
                    {row.dueAt === null
                      ? "—"
                      : `${new Date(row.dueAt).toISOString().slice(0, 10)} ${formatUtcTime(row.dueAt)}`}
                  </td>
                  <td className="py-2">
                    {row.needsPerson
                      ? "Needs a person: the policy's rotation got no answer. Open the agent and Rotate again."
                      : row.hostName
                        ? `Rotated by the policy within a minute (host ${row.hostName})`
                        : "Reminder only: no connected host"}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
