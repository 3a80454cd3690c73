import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { formatSats } from "@/components/agents/format-sats";
import { agentIdSchema } from "@/lib/agents/agent-change-schemas";
import { loadAgentDetails, type AgentDetails } from "@/lib/agents/load-agent-details";
import { isFaucetError } from "@/lib/faucet";
import { isStoreUnavailable } from "@/lib/store/store-unavailable-error";
import { pageSession } from "@/lib/session/page-session";
import { endSessionIfRefused } from "@/lib/session/session-store";
import { StoreDownNotice } from "@/components/session/store-down-notice";
import { formatUtcTime } from "@/lib/format-utc-time";

type AgentDetailsPageProps = { params: Promise<{ id: string }> };

/** Only a plain decimal id is an id: "1e3", "+4" or "04" are not, and get the 404 page. */
function parseAgentId(raw: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(raw)) return null;
  const parsed = agentIdSchema.safeParse(Number(raw));
  return parsed.success ? parsed.data : null;
}

function Problem({ title, message }: { title: string; message: string }) {
  return (
    <div role="alert" className="flex flex-col items-start gap-3 rounded-lg border border-red-300 bg-red-50 p-6 text-red-900">
      <h1 className="text-lg font-semibold">{title}</h1>
      <p className="text-sm">{message}</p>
      <Link href="/agents" className="text-sm underline">
        Back to the agents
      </Link>
    </div>
  );
}

export const metadata = { title: "Agent details · Faucet Console" };

export default async function AgentDetailsPage({ params }: AgentDetailsPageProps) {
  const agentId = parseAgentId((await params).id);
  if (agentId === null) notFound();
  const session = await pageSession();
  if (session === null) return <StoreDownNotice title="The console cannot open your session" retryHref={`/agents/${agentId}`} />;

  let details: AgentDetails | null;
  try {
    details = await loadAgentDetails(session, agentId);
  } catch (error) {
    if (isFaucetError(error) && error.kind === "invalid_key") {
      redirect((await endSessionIfRefused(session)) === "key_invalid" ? "/?reason=key_invalid" : `/agents/${agentId}`);
    }
    if (isFaucetError(error)) return <Problem title="The agent's details could not be loaded" message={error.message} />;
    if (isStoreUnavailable(error)) return <StoreDownNotice title="The agent's details could not be loaded" retryHref={`/agents/${agentId}`} />;
    throw error;
  }
  if (!details) notFound();
  return <DetailsView details={details} />;
}

function DetailsView({ details: { agent, budget, keyLabel } }: { details: AgentDetails }) {
  // Rendered per request: the clock read is this request's.
  // eslint-disable-next-line react-hooks/purity
  const now = Date.now();
  const cooling = agent.cooldownUntil !== null && agent.cooldownUntil > now;
  const rows: [string, string][] = [
    ["State", agent.isActive ? "Active" : "Inactive"],
    ["Balance", formatSats(agent.balanceSats)],
    ["Budget limit", budget.budgetLimitSats === null ? "Unlimited" : formatSats(budget.budgetLimitSats)],
    ["Spent", formatSats(budget.spentSats)],
    ["Remaining", budget.remainingSats === null ? "Unlimited" : formatSats(budget.remainingSats)],
    ["Created", agent.createdAt === null ? "Unknown" : `${new Date(agent.createdAt).toISOString().slice(0, 10)} ${formatUtcTime(agent.createdAt)}`],
    ["Cooldown", cooling ? `Withdrawals locked until ${formatUtcTime(agent.cooldownUntil as number)}` : "None"],
    ["Current key", keyLabel ?? "Not recorded by this console"],
  ];
  return (
    <section className="flex flex-col gap-4">
      <p className="text-sm">
        <Link href="/agents" className="text-blue-700 underline">
          ← Agents
        </Link>
      </p>
      <h1 className="break-words text-2xl font-semibold text-slate-900">{agent.name}</h1>
      {agent.description && <p className="text-sm text-slate-700">{agent.description}</p>}
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-4 text-sm sm:grid-cols-[12rem_1fr]">
        <dt className="font-medium text-slate-600">ID</dt>
        <dd className="tabular-nums text-slate-900">{agent.id}</dd>
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="font-medium text-slate-600">{label}</dt>
            <dd className="text-slate-900">{value}</dd>
          </div>
        ))}
      </dl>
      <p className="text-sm">
        <Link href={`/agents/${agent.id}/keys`} className="text-blue-700 underline">
          Key history for {agent.name}
        </Link>
      </p>
    </section>
  );
}
