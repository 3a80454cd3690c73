import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { AgentDetailsActions } from "@/components/agents/agent-details-actions";
import { formatSats } from "@/components/agents/format-sats";
import { KeyHistoryTable } from "@/components/audit/key-history-table";
import { formatAuditAction, formatUtcMoment } from "@/components/audit/format-audit";
import { OUTCOME_LABELS } from "@/lib/audit/audit-entry";
import type { AgentRow } from "@/lib/agents/agents-view";
import { flagLabel, formatKeyAge, keySince } from "@/lib/agents/key-age";
import { loadAgentActivity, RECENT_EVENTS, type AgentActivity } from "@/lib/agents/load-agent-activity";
import { loadAgentRows } from "@/lib/agents/load-agents-page";
import { agentIdSchema } from "@/lib/agents/agent-change-schemas";
import { loadAgentDetails, type AgentDetails } from "@/lib/agents/load-agent-details";
import { isFaucetError } from "@/lib/faucet";
import { isStoreUnavailable } from "@/lib/store/store-unavailable-error";
import { pageSession } from "@/lib/session/page-session";
import { endSessionIfRefused } from "@/lib/session/session-store";
import { StoreDownNotice } from "@/components/session/store-down-notice";
import { RotationPolicyForm } from "@/components/policies/rotation-policy-form";
import { loadAgentPolicy, type AgentPolicy } from "@/lib/policies/rotation-policies";
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
    <div
      role="alert"
      className="flex flex-col items-start gap-3 rounded-lg border border-red-300 bg-red-50 p-6 text-red-900"
    >
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
  if (session === null)
    return <StoreDownNotice title="The console cannot open your session" retryHref={`/agents/${agentId}`} />;

  let details: AgentDetails | null;
  let row: AgentRow | undefined;
  // Rendered per request: the clock read is this request's.
  // eslint-disable-next-line react-hooks/purity
  const now = Date.now();
  try {
    details = await loadAgentDetails(session, agentId);
    // The list row (flags, key age, timers) from the list just fetched, as the agents page would show it.
    if (details)
      row = (await loadAgentRows(session, now, { reuseRecentList: true })).rows.find((agent) => agent.id === agentId);
  } catch (error) {
    if (isFaucetError(error) && error.kind === "invalid_key") {
      redirect((await endSessionIfRefused(session)) === "key_invalid" ? "/?reason=key_invalid" : `/agents/${agentId}`);
    }
    if (isFaucetError(error))
      return <Problem title="The agent's details could not be loaded" message={error.message} />;
    if (isStoreUnavailable(error))
      return <StoreDownNotice title="The agent's details could not be loaded" retryHref={`/agents/${agentId}`} />;
    throw error;
  }
  if (!details || !row) notFound();
  const activity = await loadAgentActivity(session.operatorId, agentId, now);
  const policy = await loadAgentPolicy(session.operatorId, agentId).catch(() => null);
  return <DetailsView details={details} row={row} activity={activity} now={now} policy={policy} />;
}

type DetailsViewProps = {
  details: AgentDetails;
  row: AgentRow;
  activity: AgentActivity;
  now: number;
  /** Null when the store cannot say: the section is left out. */
  policy: AgentPolicy | null;
};

function DetailsView({ details: { agent, budget, keyLabel }, row, activity, now, policy }: DetailsViewProps) {
  const cooling = agent.cooldownUntil !== null && agent.cooldownUntil > now;
  const rows: [string, string][] = [
    ["State", agent.isActive ? "Active" : "Inactive"],
    ["Balance", formatSats(agent.balanceSats)],
    ["Budget limit", budget.budgetLimitSats === null ? "Unlimited" : formatSats(budget.budgetLimitSats)],
    ["Spent", formatSats(budget.spentSats)],
    ["Remaining", budget.remainingSats === null ? "Unlimited" : formatSats(budget.remainingSats)],
    [
      "Created",
      agent.createdAt === null
        ? "Unknown"
        : `${new Date(agent.createdAt).toISOString().slice(0, 10)} ${formatUtcTime(agent.createdAt)}`,
    ],
    ["Cooldown", cooling ? `Withdrawals locked until ${formatUtcTime(agent.cooldownUntil as number)}` : "None"],
    ["Current key", keyLabel ?? "Not recorded by this console"],
    ["Key age", formatKeyAge(keySince(row), now)],
    [
      "Agent host",
      row.host
        ? `Host connected: ${row.host.name}${row.host.lastSeenAt === null ? "" : `, seen ${formatUtcTime(row.host.lastSeenAt, { seconds: true })}`}`
        : "None: new keys are shown here (Connect agent host in More actions)",
    ],
  ];
  return (
    <section className="flex flex-col gap-4">
      <p className="text-sm">
        <Link href="/agents" className="text-blue-700 underline">
          ← Agents
        </Link>
      </p>
      <div className="flex flex-wrap items-start justify-between gap-4">
        <h1 className="min-w-0 break-words text-2xl font-semibold text-slate-900">{agent.name}</h1>
        <AgentDetailsActions agent={row} serverNow={now} />
      </div>
      {agent.description && <p className="text-sm text-slate-700">{agent.description}</p>}
      {row.flags.length > 0 && (
        <ul aria-label="Needs attention" className="flex flex-wrap gap-2">
          {row.flags.map((flag) => (
            <li
              key={flag.kind}
              data-flag={flag.kind}
              className="rounded-full bg-amber-100 px-3 py-1 text-sm font-medium text-amber-900"
            >
              {flagLabel(flag)}
            </li>
          ))}
        </ul>
      )}
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
      {policy && (
        <section aria-labelledby="rotation-policy" id="rotation-policy" className="flex flex-col gap-2">
          <h2 id="rotation-policy" className="text-lg font-semibold text-slate-900">
            Rotation policy
          </h2>
          {policy.needsPerson && (
            <p role="status" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
              Needs a person: the policy&apos;s last rotation of this key got no answer, so the key may have changed. It
              is not tried again by itself: press Rotate key to get a key you can use.
            </p>
          )}
          <RotationPolicyForm
            agentId={agent.id}
            everyDays={policy.everyDays}
            inheritedDays={policy.operatorWide}
            hostConnected={policy.hostConnected}
          />
        </section>
      )}
      <AgentActivitySections agentId={agent.id} agentName={agent.name} activity={activity} />
    </section>
  );
}

/** The agent's recent events and its keys, from the audit log; a note instead when the log cannot be read. */
function AgentActivitySections({
  agentId,
  agentName,
  activity,
}: {
  agentId: number;
  agentName: string;
  activity: AgentActivity;
}) {
  if (!activity) {
    return (
      <p role="status" className="rounded-lg border border-amber-300 bg-amber-50 p-4 text-sm text-amber-900">
        The audit log cannot be read right now, so this agent&apos;s events and key history are not shown. Reload to try
        again.
      </p>
    );
  }
  return (
    <>
      <section aria-labelledby="recent-events" className="flex flex-col gap-2">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="recent-events" className="text-lg font-semibold text-slate-900">
            Recent events
          </h2>
          <Link href={`/audit?agent=${agentId}`} prefetch={false} className="text-sm text-blue-700 underline">
            All events of {agentName} in the audit log
          </Link>
        </div>
        {activity.recent.length === 0 ? (
          <p className="text-sm text-slate-700">No event of this agent was recorded by this console yet.</p>
        ) : (
          <div className="overflow-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full min-w-[36rem] border-collapse text-left text-sm">
              <caption className="sr-only">
                The last {RECENT_EVENTS} events of {agentName}, newest first
              </caption>
              <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
                <tr>
                  <th scope="col" className="px-3 py-2">
                    When
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Action
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Outcome
                  </th>
                  <th scope="col" className="px-3 py-2">
                    Session
                  </th>
                </tr>
              </thead>
              <tbody>
                {activity.recent.map((entry) => (
                  <tr key={entry.id} className="border-t border-slate-100" data-event-action={entry.action}>
                    <td className="px-3 py-2 tabular-nums">{formatUtcMoment(entry.at)}</td>
                    <td className="px-3 py-2">{formatAuditAction(entry.action)}</td>
                    <td className="px-3 py-2">{OUTCOME_LABELS[entry.outcome]}</td>
                    <td className="px-3 py-2 font-mono text-xs">{entry.sessionLabel ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <section aria-labelledby="key-history" className="flex flex-col gap-2">
        <div className="flex flex-wrap items-baseline justify-between gap-2">
          <h2 id="key-history" className="text-lg font-semibold text-slate-900">
            Key history
          </h2>
          <Link href={`/agents/${agentId}/keys`} prefetch={false} className="text-sm text-blue-700 underline">
            Key history for {agentName}
          </Link>
        </div>
        <KeyHistoryTable
          agentName={agentName}
          entries={activity.keyHistory.entries}
          currentId={activity.keyHistory.currentId}
        />
      </section>
    </>
  );
}
