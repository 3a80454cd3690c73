"use server";

import { z } from "zod";
import { failure, type ActionResult } from "@/lib/action-result";
import { agentListMemo } from "@/lib/faucet/agent-list-memo";
import { getFaucetClient } from "@/lib/faucet";
import { MAX_POLICY_DAYS } from "@/lib/agents/policy-due";
import {
  clearRotationPolicy,
  policyOverview,
  setRotationPolicy,
  type PolicyOverview,
} from "@/lib/policies/rotation-policies";
import { sweepSoon } from "@/lib/policies/policy-worker";
import { storeRateLimiter } from "@/lib/security/limits";
import { authenticatedAction } from "@/lib/session/authenticated-action";
import type { OperatorSession } from "@/lib/session/session-data";

const agentIdSchema = z.number().int().positive().max(2_147_483_647);

const setPolicySchema = z.strictObject({
  /** Null: every agent of the operator without a policy of its own. */
  agentId: agentIdSchema.nullable(),
  everyDays: z.number().int().min(1).max(MAX_POLICY_DAYS),
});

const clearPolicySchema = z.strictObject({ agentId: agentIdSchema.nullable() });

/** A policy change costs a store write and an audit row: it spends the lifecycle budget. */
async function limited(session: OperatorSession): Promise<ActionResult<never> | null> {
  const taken = await storeRateLimiter("agent-changes").take(`operator:${session.operatorId}`);
  return taken.allowed
    ? null
    : failure("rate_limited", `Too many agent changes in a minute. Try again in ${taken.retryAfterSeconds} s.`, {
        retryAfterSeconds: taken.retryAfterSeconds,
      });
}

async function ownsAgent(session: OperatorSession, agentId: number): Promise<boolean> {
  const faucet = getFaucetClient();
  const agents = await agentListMemo().get(
    session.operatorId,
    session.operatorKey,
    () => faucet.listAgents(session.operatorKey),
    { fresh: false },
  );
  return agents.some((agent) => agent.id === agentId);
}

const NO_AGENT = failure("not_found", "This agent is not one of yours (it may have been deleted). Reload the page.");

/**
 * "Rotate every N days" for one agent or for all of them. Setting a policy arms the worker with
 * this session's operator key (sealed under the server's secret; README "Rotation policies"),
 * and sends a sweep at once when this process runs the worker.
 */
export const setRotationPolicyAction = authenticatedAction(
  setPolicySchema,
  async ({ session, input }): Promise<ActionResult<PolicyOverview>> => {
    const refused = await limited(session);
    if (refused) return refused;
    if (input.agentId !== null && !(await ownsAgent(session, input.agentId))) return NO_AGENT;
    await setRotationPolicy(session, { agentId: input.agentId, everyDays: input.everyDays });
    // Keys already past the new policy need not wait for the next minute's cron. Not awaited: the save
    // does not wait on pg-boss (at start-up it may still be migrating); sweepSoon never throws.
    void sweepSoon(session.operatorId);
    return { ok: true, data: await policyOverview(session.operatorId) };
  },
);

/** Clears one policy; with the last one gone the worker holds no key for this operator. */
export const clearRotationPolicyAction = authenticatedAction(
  clearPolicySchema,
  async ({ session, input }): Promise<ActionResult<PolicyOverview>> => {
    const refused = await limited(session);
    if (refused) return refused;
    if (!(await clearRotationPolicy(session, input.agentId)))
      return failure("not_found", "There is no such policy to clear (it may have been cleared in another tab).");
    return { ok: true, data: await policyOverview(session.operatorId) };
  },
);
