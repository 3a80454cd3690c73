import "server-only";
import { randomUUID } from "node:crypto";
import { and, desc, eq, isNull, ne } from "drizzle-orm";
import { auditActor } from "@/lib/audit/audit-actor";
import { recordAuditEventIn } from "@/lib/audit/record-audit-event";
import { connectedHostFor } from "@/lib/hosts/connected-hosts";
import { latestRotations } from "@/lib/keys/rotation-attempts";
import type { OperatorSession } from "@/lib/session/session-data";
import { getStore } from "@/lib/store/get-store";
import { policyArmings, policyRuns, rotationPolicies } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import { armPoliciesIn, disarmPoliciesIn } from "./policy-arming";
import type { PolicySet } from "./policy-due";

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

/** What the operator panel and the details page show: the policies, and whether the worker can act. */
export type PolicyOverview = {
  operatorWide: number | null;
  byAgent: Record<number, number>;
  /** "armed": the worker holds a key; "paused": the faucet refused it (the operator key changed); "none": no policy. */
  arming: "armed" | "paused" | "none";
  /** Agents whose last policy run needs a person (outcome unknown, or a worker that died mid-call). */
  needsPerson: number[];
};

export async function policyOverview(operatorId: number): Promise<PolicyOverview> {
  const { db } = await getStore();
  const policies = await policiesOf(db, operatorId);
  const [arming] = await db
    .select({ pausedAt: policyArmings.pausedAt })
    .from(policyArmings)
    .where(eq(policyArmings.operatorId, operatorId));
  return {
    operatorWide: policies.operatorWide,
    byAgent: Object.fromEntries(policies.byAgent),
    arming: !arming ? "none" : arming.pausedAt ? "paused" : "armed",
    needsPerson: await agentsNeedingPerson(db, operatorId),
  };
}

/** The details page's policy section: the agent's own policy, the operator-wide one, host and run state. */
export type AgentPolicy = {
  everyDays: number | null;
  operatorWide: number | null;
  hostConnected: boolean;
  needsPerson: boolean;
};

export async function loadAgentPolicy(operatorId: number, agentId: number): Promise<AgentPolicy> {
  const { db } = await getStore();
  const [policies, host, needsPerson] = await Promise.all([
    policiesOf(db, operatorId),
    connectedHostFor(db, operatorId, agentId),
    agentsNeedingPerson(db, operatorId),
  ]);
  return {
    everyDays: policies.byAgent.get(agentId) ?? null,
    operatorWide: policies.operatorWide,
    hostConnected: host !== null,
    needsPerson: needsPerson.includes(agentId),
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
 * Sets "Rotate every N days" for one agent (agentId) or for all (null), and arms the policies
 * with this session's operator key, in one transaction with its audit event.
 */
export async function setRotationPolicy(
  session: OperatorSession,
  { agentId, everyDays }: { agentId: number | null; everyDays: number },
  now = Date.now(),
): Promise<void> {
  const { db } = await getStore();
  const actor = await auditActor(session);
  await db.transaction(async (tx) => {
    await deletePolicyIn(tx, session.operatorId, agentId);
    await tx.insert(rotationPolicies).values({
      id: randomUUID(),
      operatorId: session.operatorId,
      agentId,
      everyDays,
      createdAt: new Date(now),
      sessionLabel: session.label,
    });
    await armPoliciesIn(tx, session, now);
    await recordAuditEventIn(tx, actor, {
      action: "set_rotation_policy",
      target: agentId === null ? "operator" : `agent:${agentId}`,
      outcome: "ok",
    });
  });
}

/** Clears one policy; with the last one gone the sealed operator key is deleted too. False when there was none. */
export async function clearRotationPolicy(session: OperatorSession, agentId: number | null): Promise<boolean> {
  const { db } = await getStore();
  const actor = await auditActor(session);
  return db.transaction(async (tx) => {
    const removed = await deletePolicyIn(tx, session.operatorId, agentId);
    if (!removed) return false;
    const [left] = await tx
      .select({ id: rotationPolicies.id })
      .from(rotationPolicies)
      .where(eq(rotationPolicies.operatorId, session.operatorId))
      .limit(1);
    if (!left) await disarmPoliciesIn(tx, session.operatorId);
    await recordAuditEventIn(tx, actor, {
      action: "clear_rotation_policy",
      target: agentId === null ? "operator" : `agent:${agentId}`,
      outcome: "ok",
    });
    return true;
  });
}

async function deletePolicyIn(tx: StoreDatabase, operatorId: number, agentId: number | null): Promise<boolean> {
  const removed = await tx
    .delete(rotationPolicies)
    .where(
      and(
        eq(rotationPolicies.operatorId, operatorId),
        agentId === null ? isNull(rotationPolicies.agentId) : eq(rotationPolicies.agentId, agentId),
      ),
    )
    .returning({ id: rotationPolicies.id });
  return removed.length > 0;
}
