import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { auditActor } from "@/lib/audit/audit-actor";
import { recordAuditEventIn } from "@/lib/audit/record-audit-event";
import { connectedHostFor } from "@/lib/hosts/connected-hosts";
import type { OperatorSession } from "@/lib/session/session-data";
import { getStore } from "@/lib/store/get-store";
import { agentsNeedingPerson, policiesOf } from "@/lib/agents/policy-standing";
import { policyArmings, rotationPolicies } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import { armPoliciesIn, disarmPoliciesIn } from "./policy-arming";

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
