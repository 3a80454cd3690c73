import type { LastRotation } from "./agents-view";
import { keyAgeDays, keySince } from "./key-age";

/**
 * Browser-safe: when a rotation policy makes a key due, for the worker, the agents page's
 * filter "Keys past their policy" and its reminders. Pure, so the tests give it a clock.
 */

export const DAY_MS = 24 * 60 * 60 * 1000;
export const MAX_POLICY_DAYS = 3650;

/** The operator's policies: one for all agents (or none) and the agents' own, which win. */
export type PolicySet = { operatorWide: number | null; byAgent: ReadonlyMap<number, number> };

export type PolicyAgent = {
  id: number;
  /** The last rotation the store recorded as committed (epoch ms), if any. */
  lastRotation: LastRotation | null;
  /** When the faucet says the agent was created, if it says. */
  createdAt: number | null;
};

export function policyDaysFor(policies: PolicySet, agentId: number): number | null {
  return policies.byAgent.get(agentId) ?? policies.operatorWide;
}

/**
 * When the agent's key falls due under a policy of `everyDays`: its key's birth (the last
 * recorded rotation, else its creation) plus the period. A key of unknown age (the faucet sent
 * no creation time and the console recorded no rotation) is due from the moment the policy
 * was set (`policySetAt`): after that one rotation its age is known. The due time is the run's
 * identity (with the agent): a rotation that commits moves it, nothing else does.
 */
export function dueAt(agent: PolicyAgent, everyDays: number, policySetAt: number): number {
  const since = keySince(agent);
  return since === null ? policySetAt : since + everyDays * DAY_MS;
}

export type DueAgent = { agentId: number; dueAt: number; everyDays: number; keyAgeDays: number | null };

/** The agents whose key is past their policy at `now`, oldest due first. */
export function overdueAgents(
  agents: readonly PolicyAgent[],
  policies: PolicySet & { setAt: (agentId: number) => number },
  now: number,
): DueAgent[] {
  const due: DueAgent[] = [];
  for (const agent of agents) {
    const everyDays = policyDaysFor(policies, agent.id);
    if (everyDays === null) continue;
    const at = dueAt(agent, everyDays, policies.setAt(agent.id));
    if (at > now) continue;
    const since = keySince(agent);
    due.push({ agentId: agent.id, dueAt: at, everyDays, keyAgeDays: since === null ? null : keyAgeDays(since, now) });
  }
  return due.sort((a, b) => a.dueAt - b.dueAt || a.agentId - b.agentId);
}

/** The reminder an agent without a connected host gets instead of a rotation: "Key is 94 days old". */
export function reminderText(due: Pick<DueAgent, "keyAgeDays" | "everyDays">): string {
  const days = due.keyAgeDays;
  const age =
    days === null ? "Key age is unknown" : `Key is ${days.toLocaleString("en-US")} day${days === 1 ? "" : "s"} old`;
  return `${age} (policy: ${policyWords(due.everyDays)})`;
}

/** "every day", "every 30 days". */
export function policyWords(everyDays: number): string {
  return everyDays === 1 ? "every day" : `every ${everyDays.toLocaleString("en-US")} days`;
}
