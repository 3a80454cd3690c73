import "server-only";
import { and, desc, eq, ne } from "drizzle-orm";
import { latestRotations } from "@/lib/keys/rotation-attempts";
import { policyRuns, rotationPolicies } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import { overdueAgents, type DueAgent, type PolicyAgent, type PolicySet } from "./policy-due";

/**
 * Where the operator's agents stand with their rotation policies, read from the store: the
 * policies, the keys past them, the runs that need a person. One set of reads for the policy
 * worker (lib/policies), the policies page's "Keys past their policy" and the agents page's
 * filter of the same name, so the three never disagree. Below lib/policies in the layering
 * because the agents page reads it too.
 */

/** The operator's policies with when each was set (a key of unknown age is due from then). */
export type StoredPolicies = PolicySet & { setAt: (agentId: number) => number };

export async function policiesOf(db: StoreDatabase, operatorId: number): Promise<StoredPolicies> {
  const rows = await db.select().from(rotationPolicies).where(eq(rotationPolicies.operatorId, operatorId));
  const wide = rows.find((row) => row.agentId === null) ?? null;
  const own = new Map(rows.flatMap((row) => (row.agentId === null ? [] : [[row.agentId, row] as const])));
  return {
    operatorWide: wide?.everyDays ?? null,
    byAgent: new Map([...own].map(([agentId, row]) => [agentId, row.everyDays])),
    setAt: (agentId) => (own.get(agentId) ?? wide)?.createdAt.getTime() ?? 0,
  };
}

/**
 * Agents whose latest policy run may have rotated the key without the console seeing the new
 * one (outcome unknown, no key, or a worker that died mid-call): never taken up again by a
 * worker, shown with Rotate again until a rotation commits after it (a person's, which also
 * moves the key's due time).
 */
export async function agentsNeedingPerson(db: StoreDatabase, operatorId: number): Promise<number[]> {
  const latest = await db
    .selectDistinctOn([policyRuns.agentId], {
      agentId: policyRuns.agentId,
      status: policyRuns.status,
      startedAt: policyRuns.startedAt,
      finishedAt: policyRuns.finishedAt,
    })
    .from(policyRuns)
    .where(and(eq(policyRuns.operatorId, operatorId), ne(policyRuns.status, "skipped_no_host")))
    .orderBy(policyRuns.agentId, desc(policyRuns.startedAt));
  const abandonedBefore = Date.now() - RUNNING_ABANDONED_AFTER_MS;
  const open = latest.filter(
    (run) =>
      (NEEDS_PERSON as readonly string[]).includes(run.status) &&
      (run.status !== "running" || run.startedAt.getTime() < abandonedBefore),
  );
  if (open.length === 0) return [];
  const rotated = await latestRotations(
    operatorId,
    open.map((run) => `agent:${run.agentId}` as const),
  );
  return (
    open
      // Settled by a rotation after the run; for key_missing, after it finished (its own rotation committed).
      .filter((run) => {
        const since = run.status === "key_missing" ? (run.finishedAt ?? run.startedAt) : run.startedAt;
        return (rotated.get(`agent:${run.agentId}`)?.at ?? 0) <= since.getTime();
      })
      .map((run) => run.agentId)
  );
}

/** A run still `running` after this long was left by a worker that died mid-call (a call takes at most FAUCET_TIMEOUT_MS). */
const RUNNING_ABANDONED_AFTER_MS = 2 * 60_000;

/** A run left in these states is never taken up again by a worker. */
export const NEEDS_PERSON = ["outcome_unknown", "key_missing", "running"] as const;

/**
 * "Keys past their policy": the agents whose key is older than their policy at `now` (oldest
 * due first), and those whose last policy run needs a person (agentsNeedingPerson).
 */
export async function pastPolicy(
  db: StoreDatabase,
  operatorId: number,
  agents: readonly PolicyAgent[],
  now: number,
): Promise<{ overdue: DueAgent[]; needsPerson: number[] }> {
  const policies = await policiesOf(db, operatorId);
  return { overdue: overdueAgents(agents, policies, now), needsPerson: await agentsNeedingPerson(db, operatorId) };
}

/** The ids the agents page's filter "Keys past their policy" keeps. */
export function pastPolicyIds(standing: { overdue: readonly DueAgent[]; needsPerson: readonly number[] }): Set<number> {
  return new Set([...standing.overdue.map((agent) => agent.agentId), ...standing.needsPerson]);
}
