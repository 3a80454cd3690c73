import "server-only";
import { agentListMemo } from "@/lib/faucet/agent-list-memo";
import { getFaucetClient } from "@/lib/faucet";
import { connectedHostsFor } from "@/lib/hosts/connected-hosts";
import { latestRotations } from "@/lib/keys/rotation-attempts";
import type { OperatorSession } from "@/lib/session/session-data";
import { getStore } from "@/lib/store/get-store";
import { reminderText } from "@/lib/agents/policy-due";
import { pastPolicy } from "@/lib/agents/policy-standing";
import { policyOverview, type PolicyOverview } from "./rotation-policies";

/** One agent past its policy, as the "Keys past their policy" list shows it (no key, no fingerprint). */
export type OverdueRow = {
  id: number;
  name: string;
  /** Null: not past its policy, but a policy run left it for a person (its key rotated, no host received it). */
  dueAt: number | null;
  everyDays: number | null;
  /** The reminder ("Key is 94 days old (policy: every 30 days)"). */
  reminder: string;
  /** The connected host's name; null: reminded, not rotated. */
  hostName: string | null;
  /** Its last policy run's outcome is unknown: Rotate again is a person's to press. */
  needsPerson: boolean;
};

export type PolicyPage = PolicyOverview & { overdue: OverdueRow[] };

/** The policies page: the operator's policies, whether the worker is armed, and the keys past their policy. */
export async function loadPolicyPage(session: OperatorSession, now: number): Promise<PolicyPage> {
  const { db } = await getStore();
  const faucet = getFaucetClient();
  const [agents, rotations, overview] = await Promise.all([
    agentListMemo().get(session.operatorId, session.operatorKey, () => faucet.listAgents(session.operatorKey), {
      fresh: false,
    }),
    latestRotations(session.operatorId),
    policyOverview(session.operatorId),
  ]);
  const names = new Map(agents.map((agent) => [agent.id, agent.name]));
  // The agents page's filter "Keys past their policy" reads the same (lib/agents/policy-standing.ts).
  const { overdue: due, needsPerson: waiting } = await pastPolicy(
    db,
    session.operatorId,
    agents.map((agent) => ({
      id: agent.id,
      createdAt: agent.createdAt,
      lastRotation: rotations.get(`agent:${agent.id}`) ?? null,
    })),
    now,
  );
  const dueIds = new Set(due.map((agent) => agent.agentId));
  // The same list as the filter: then the agents a policy run left for a person whose key is not old.
  const waitingOnly = waiting.filter((agentId) => !dueIds.has(agentId) && names.has(agentId));
  const hosts = await connectedHostsFor(db, session.operatorId, [...dueIds, ...waitingOnly]);
  const needsPerson = new Set(waiting);
  return {
    ...overview,
    overdue: [
      ...due.map((agent) => ({
        id: agent.agentId,
        name: names.get(agent.agentId) ?? `Agent ${agent.agentId}`,
        dueAt: agent.dueAt,
        everyDays: agent.everyDays,
        reminder: reminderText(agent),
        hostName: hosts.get(agent.agentId)?.name ?? null,
        needsPerson: needsPerson.has(agent.agentId),
      })),
      ...waitingOnly.map((agentId) => ({
        id: agentId,
        name: names.get(agentId)!,
        dueAt: null,
        everyDays: null,
        reminder: "Its policy run has no confirmed key at a host",
        hostName: hosts.get(agentId)?.name ?? null,
        needsPerson: true,
      })),
    ],
  };
}
