import "server-only";
import { auditActor } from "@/lib/audit/audit-actor";
import type { AuditAction, AuditTarget } from "@/lib/audit/audit-vocabulary";
import { beginAuditEvent, finishAuditEventQuietly, recordAuditEventQuietly, type AuditEventEnd, type AuditEventHandle } from "@/lib/audit/record-audit-event";
import { getFaucetClient, isFaucetError, type FaucetClient, type FaucetError } from "@/lib/faucet";
import { log } from "@/lib/log";
import { failure, type ActionFailure, type ActionResult } from "@/lib/results/action-result";
import { faucetFailure } from "@/lib/results/faucet-failure";
import { storeRateLimiter } from "@/lib/security/limits";
import type { OperatorSession } from "@/lib/session/session-data";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";
import { agentListMemo } from "./agent-list-memo";

/** What the faucet's answer became: the audit's completion and the page's result. */
export type ChangeOutcome<Output> = { audit: AuditEventEnd; result: ActionResult<Output>; auditTarget?: AuditTarget };

export type AgentChange<Reply, Output> = {
  session: OperatorSession;
  action: AuditAction;
  /** The agent changed, or "operator" for a create (the agent has no id before the call). */
  target: AuditTarget;
  /** Exactly one faucet call (set_budget's unknown-action fallback lives in the client). */
  call: (faucet: FaucetClient, operatorKey: string) => Promise<Reply>;
  /** What a lost answer means for this change, said after "Outcome unknown: <why>." */
  unknownConsequence: string;
  /** Turns the faucet's answer into the outcome; by default the answer is the result. */
  outcome?: (reply: Reply) => ChangeOutcome<Output>;
  /** This change's own words for a refusal (a sweep refused by a cooldown); null = the shared ones. */
  refusal?: (error: FaucetError) => ActionFailure | null;
  /** Set when the change is one of a bulk run (incident mode): its audit events carry it, and it counts against the bulk limit. */
  batchId?: string | null;
};

/**
 * Every agent lifecycle step (create, deactivate, reactivate, budget, sweep, fund, delete)
 * runs here, the way rotate() runs a rotation: rate limit → the pending audit event (no
 * event, no call) → exactly one faucet call → the audit completion → an honest result.
 * Never retries: a lost answer is "outcome unknown", because the change may have been made.
 */
export async function changeAgent<Reply, Output = Reply>(change: AgentChange<Reply, Output>): Promise<ActionResult<Output>> {
  const { session, action, target } = change;
  const batchId = change.batchId ?? null;
  const actor = await auditActor(session);
  const limit = await storeRateLimiter(batchId ? "bulk-calls" : "agent-changes").take(`operator:${session.operatorId}`);
  if (!limit.allowed) {
    await recordAuditEventQuietly(actor, { action, target, batchId, outcome: "refused", refusal: "rate_limited" });
    return failure("rate_limited", `Too many agent changes in a minute. Try again in ${limit.retryAfterSeconds} s.`, {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  }

  let audit: AuditEventHandle;
  try {
    audit = await beginAuditEvent(actor, { action, target, batchId });
  } catch (error) {
    if (isStoreUnavailable(error)) return failure("store_unavailable", STORE_UNAVAILABLE_MESSAGE);
    throw error;
  }

  let reply: Reply;
  try {
    reply = await change.call(getFaucetClient(), session.operatorKey);
  } catch (error) {
    const mayHaveCommitted = !isFaucetError(error) || error.mayHaveCommitted;
    await finishAuditEventQuietly(audit, mayHaveCommitted ? { outcome: "outcome_unknown" } : { outcome: "refused", refusal: isFaucetError(error) ? error.kind : "refused" });
    if (!mayHaveCommitted && isFaucetError(error)) return change.refusal?.(error) ?? faucetFailure(error);
    if (!isFaucetError(error)) log.error(`${action} call failed`, error);
    const reason = isFaucetError(error) ? error.message : "The console lost track of the faucet's answer.";
    return failure("outcome_unknown", `Outcome unknown: ${reason} ${change.unknownConsequence}`);
  } finally {
    // Whatever the outcome, the next list comes from the faucet.
    agentListMemo().forget(session.operatorId);
  }

  const outcome = change.outcome ? change.outcome(reply) : { audit: { outcome: "ok" as const }, result: { ok: true as const, data: reply as unknown as Output } };
  // The completion of a create names the agent it made; the pending row could not.
  await finishAuditEventQuietly(outcome.auditTarget ? { ...audit, target: outcome.auditTarget } : audit, outcome.audit);
  return outcome.result;
}
