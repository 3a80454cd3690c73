import "server-only";
import { agentListMemo } from "@/lib/faucet/agent-list-memo";
import { auditActor, type AuditActor } from "@/lib/audit/audit-actor";
import type { AuditAction, AuditTarget } from "@/lib/audit/audit-vocabulary";
import {
  beginAuditEventIn,
  finishAuditEventIn,
  recordAuditEventIn,
  recordAuditEventQuietly,
  type AuditEventBeside,
  type AuditEventEnd,
  type AuditEventHandle,
  type AuditEventStart,
} from "@/lib/audit/record-audit-event";
import { getFaucetClient, isFaucetError, type FaucetClient, type FaucetError } from "@/lib/faucet";
import { log, withLogContext } from "@/lib/log";
import { trackRun } from "@/lib/in-flight";
import { metrics } from "@/lib/metrics";
import { failure, faucetFailure, type ActionFailure, type ActionResult } from "@/lib/action-result";
import { storeRateLimiter } from "@/lib/security/limits";
import type { OperatorSession } from "@/lib/session/session-data";
import { getStore } from "@/lib/store/get-store";
import type { StoreDatabase } from "@/lib/store/store";
import { asStoreError, isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";
import { claimBulkCall, releaseBulkCall, type BulkKind } from "./bulk-runs";

/**
 * The one audited faucet-call pipeline. Every state-changing faucet call (a key rotation of an
 * agent or of the operator, single or in a bulk run, and every agent lifecycle change) runs here:
 *
 *   rate limit → [one transaction: the bulk run's claim, the rotation guard, the pending audit
 *   event] → exactly one faucet call → [one transaction: the rotation record, the audit
 *   completion, an operator-key rotation's new session] → the session cookie.
 *
 * Never retries: a lost answer is "outcome unknown", because the change may have been made. No
 * pending event, no call: the guard's claim and the event commit together or not at all. Once
 * the faucet has answered, nothing that fails afterwards hides its answer (a new key above all).
 */

/** Where a change comes from. Only /api/bulk/* sets `bulk`; a server action never does. */
export type ChangeContext = {
  session: OperatorSession;
  /** Labels the change's audit events (incident mode's run); on its own it opens no budget. */
  batchId: string | null;
  /** Set by the bulk routes: the bulk budget, for a run the server issued (batchId must name it). */
  bulk: BulkKind | null;
};

/** The rotation guard's answer inside the first transaction; "wait": try again in a moment. */
export type GuardVerdict =
  { kind: "begun" } | { kind: "wait" } | { kind: "refused"; refusal: string; result: ActionFailure };

/** What the faucet's answer became. */
export type Settlement<Output> = {
  audit: AuditEventEnd;
  /** The completion of a create names the agent it made; the pending row could not. */
  auditTarget?: AuditTarget;
  result: ActionResult<Output>;
  /**
   * Written in the closing transaction, beside the audit completion (a rotation's record). The
   * events it returns (a hand-off's, a host envelope's) join the chain in the completion's own
   * insert, so they cost the transaction no statement of their own.
   */
  record?: (tx: StoreDatabase) => Promise<readonly AuditEventBeside[] | void>;
  /** After the closing transaction, whether it committed or not (a rotation's cookie); may amend the result. */
  after?: (recorded: boolean) => Promise<ActionResult<Output>>;
};

export type Change<Reply, Output> = {
  action: AuditAction;
  /** The agent changed, or "operator" (an operator-key rotation, a create: no agent id before the call). */
  target: AuditTarget;
  /**
   * The agent's name for the audit log when the console has not read it in the operator's agent
   * list (a create's input; a hand-off's agentName): the list's name comes first, being the faucet's.
   */
  agentName?: string;
  /** The single-call budget and its words ("Too many rotations in a minute."); a bulk run uses the bulk one. */
  limit: { name: "rotations" | "agent-changes"; tooMany: string };
  /** Rotations only: claims the target inside the first transaction. */
  guard?: (tx: StoreDatabase) => Promise<GuardVerdict>;
  /** Exactly one faucet call (set_budget's unknown-action fallback lives in the client). */
  call: (faucet: FaucetClient, operatorKey: string) => Promise<Reply>;
  /** What a lost answer means for this change, said after "Outcome unknown: <why>." */
  unknownConsequence: string;
  /** This change's own words for a refusal (a sweep refused by a cooldown); null = the shared ones. */
  refusal?: (error: FaucetError) => ActionFailure | null;
  /** Turns the faucet's answer into the outcome; by default the answer is the result. */
  settle?: (reply: Reply) => Settlement<Output>;
  /** Rotations only: what the closing transaction records for a call that failed. */
  recordFailure?: (tx: StoreDatabase, status: "outcome_unknown" | "refused") => Promise<void>;
};

/** The budgets of single changes: rotations (RATE_LIMIT_ROTATIONS) and lifecycle changes (RATE_LIMIT_AGENT_CHANGES). */
export const ROTATION_LIMIT = { name: "rotations", tooMany: "Too many rotations in a minute." } as const;
export const AGENT_CHANGE_LIMIT = { name: "agent-changes", tooMany: "Too many agent changes in a minute." } as const;

/** How long to wait before asking the guard again while another attempt on its target is in flight. */
const GUARD_WAIT_MS = 100;

const UNKNOWN_BATCH = failure(
  "invalid_input",
  "This bulk run was not started by the console for you, or it has ended. Start the run again.",
);

class GuardBusy extends Error {}

type Opened = { kind: "open"; audit: AuditEventHandle } | { kind: "refused"; result: ActionFailure };

/** The first transaction: the bulk claim, the guard and the pending event, or the refusal recorded instead. */
async function open(
  context: ChangeContext,
  event: AuditEventStart,
  change: Change<unknown, unknown>,
  actor: AuditActor,
): Promise<Opened> {
  const { db } = await getStore();
  for (;;) {
    try {
      return await db.transaction(async (tx): Promise<Opened> => {
        if (context.bulk) {
          const claimed =
            context.batchId !== null &&
            (await claimBulkCall(tx, {
              batchId: context.batchId,
              operatorId: context.session.operatorId,
              kind: context.bulk,
              now: Date.now(),
            }));
          if (!claimed) {
            // Not a run of ours: its id is not worth recording as a label.
            await recordAuditEventIn(tx, actor, {
              ...event,
              batchId: null,
              outcome: "refused",
              refusal: "unknown_batch",
            });
            return { kind: "refused", result: UNKNOWN_BATCH };
          }
        }
        const verdict: GuardVerdict = change.guard ? await change.guard(tx) : { kind: "begun" };
        // Rolls the claim back too: nothing of this try stays.
        if (verdict.kind === "wait") throw new GuardBusy();
        if (verdict.kind === "refused") {
          await recordAuditEventIn(tx, actor, { ...event, outcome: "refused", refusal: verdict.refusal });
          return { kind: "refused", result: verdict.result };
        }
        return { kind: "open", audit: await beginAuditEventIn(tx, actor, event) };
      });
    } catch (error) {
      if (!(error instanceof GuardBusy)) throw asStoreError(error);
    }
    await new Promise((resolve) => setTimeout(resolve, GUARD_WAIT_MS));
  }
}

/**
 * The closing transaction. The answer stands whatever happens here: a store that cannot take
 * it is logged (the event stays pending, read as unknown) and reported as false, never thrown.
 */
async function close(
  audit: AuditEventHandle,
  end: AuditEventEnd,
  record?: (tx: StoreDatabase) => Promise<readonly AuditEventBeside[] | void>,
): Promise<boolean> {
  // The faucet's answer is what is counted, recorded or not.
  countChange(audit.action, end.outcome, audit.target, end.refusal);
  try {
    const { db } = await getStore();
    await db.transaction(async (tx) => {
      const beside = await record?.(tx);
      await finishAuditEventIn(tx, audit, end, beside ?? []);
    });
    return true;
  } catch (error) {
    log.error(
      `a ${audit.action} could not be recorded after the faucet answered; its audit event stays pending (shown as unknown)`,
      error,
    );
    return false;
  }
}

/**
 * One change in the metrics, by its audit action and outcome (never its operator, agent or key),
 * and one line in the log, which may name the target (the operator is on every line already).
 */
function countChange(
  action: AuditAction,
  outcome: AuditEventEnd["outcome"],
  target: AuditTarget,
  refusal?: string | null,
): void {
  metrics().changes.inc({ action, outcome });
  log.info("change finished", { action, outcome, target: String(target), ...(refusal ? { refusal } : {}) });
}

/** The name the console read last for the target agent (no faucet call), or null. */
function knownAgentName(operatorId: number, target: AuditTarget): string | null {
  const agent = /^agent:(\d+)$/.exec(target);
  return agent ? agentListMemo().nameOf(operatorId, Number(agent[1])) : null;
}

export function runChange<Reply, Output = Reply>(
  context: ChangeContext,
  change: Change<Reply, Output>,
): Promise<ActionResult<Output>> {
  // In flight until settled: a SIGTERM lets it finish (lib/ops/shutdown.ts).
  return trackRun(withLogContext({ operatorId: context.session.operatorId }, () => runChangeLogged(context, change)));
}

async function runChangeLogged<Reply, Output>(
  context: ChangeContext,
  change: Change<Reply, Output>,
): Promise<ActionResult<Output>> {
  const { session } = context;
  const actor = await auditActor(session);
  const event: AuditEventStart = {
    action: change.action,
    target: change.target,
    batchId: context.batchId,
    agentName: knownAgentName(session.operatorId, change.target) ?? change.agentName ?? null,
  };
  // The budget follows the route: only /api/bulk/* (context.bulk) spends the bulk one.
  const limit = await storeRateLimiter(context.bulk ? "bulk-calls" : change.limit.name).take(
    `operator:${session.operatorId}`,
  );
  if (!limit.allowed) {
    await recordAuditEventQuietly(actor, {
      ...event,
      outcome: "refused",
      refusal: "rate_limited",
    });
    countChange(change.action, "refused", change.target, "rate_limited");
    return failure("rate_limited", `${change.limit.tooMany} Try again in ${limit.retryAfterSeconds} s.`, {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  }

  let opened: Opened;
  try {
    opened = await open(context, event, change as Change<unknown, unknown>, actor);
  } catch (error) {
    // An attempt the audit log cannot record is not made; its guard claim went with the transaction.
    if (isStoreUnavailable(error)) {
      countChange(change.action, "refused", change.target, "store_unavailable");
      return failure("store_unavailable", STORE_UNAVAILABLE_MESSAGE);
    }
    throw error;
  }
  if (opened.kind === "refused") {
    countChange(change.action, "refused", change.target, opened.result.code);
    return opened.result;
  }
  const { audit } = opened;

  let reply: Reply;
  try {
    reply = await change.call(getFaucetClient(), session.operatorKey);
  } catch (error) {
    const mayHaveCommitted = !isFaucetError(error) || error.mayHaveCommitted;
    await close(
      audit,
      mayHaveCommitted
        ? { outcome: "outcome_unknown" }
        : { outcome: "refused", refusal: isFaucetError(error) ? error.kind : "refused" },
      async (tx) => {
        await change.recordFailure?.(tx, mayHaveCommitted ? "outcome_unknown" : "refused");
        // Nothing was changed: the run may send this agent again (after the faucet's rate limit, say).
        if (context.bulk && context.batchId && !mayHaveCommitted) await releaseBulkCall(tx, context.batchId);
      },
    );
    if (!mayHaveCommitted && isFaucetError(error)) return change.refusal?.(error) ?? faucetFailure(error);
    if (!isFaucetError(error)) log.error(`${change.action} call failed`, error);
    const reason = isFaucetError(error) ? error.message : "The console lost track of the faucet's answer.";
    return failure("outcome_unknown", `Outcome unknown: ${reason} ${change.unknownConsequence}`);
  } finally {
    // Whatever the outcome, the next list comes from the faucet.
    agentListMemo().forget(session.operatorId);
  }

  const settled: Settlement<Output> = change.settle
    ? change.settle(reply)
    : { audit: { outcome: "ok" }, result: { ok: true, data: reply as unknown as Output } };
  const recorded = await close(
    settled.auditTarget ? { ...audit, target: settled.auditTarget } : audit,
    settled.audit,
    settled.record,
  );
  return settled.after ? settled.after(recorded) : settled.result;
}
