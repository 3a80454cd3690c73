import "server-only";
import { agentListMemo } from "@/lib/agents/agent-list-memo";
import { auditActor, type AuditActor } from "@/lib/audit/audit-actor";
import type { AuditAction } from "@/lib/audit/audit-vocabulary";
import { beginAuditEvent, finishAuditEventQuietly, recordAuditEventQuietly, type AuditEventHandle } from "@/lib/audit/record-audit-event";
import { formatUtcTime } from "@/lib/time/format-utc-time";
import { instanceId } from "@/lib/config/instance-id";
import { faucetTimeoutMs, getFaucetClient, isFaucetError, type Rotation } from "@/lib/faucet";
import { log } from "@/lib/log";
import { storeRateLimiter } from "@/lib/security/limits";
import { keyFingerprint } from "@/lib/session/cooldown-codec";
import { withAgentCooldown, withoutExpired } from "@/lib/session/cookie-cooldowns";
import type { OperatorSession } from "@/lib/session/session-data";
import { switchOperatorKey } from "@/lib/session/session-records";
import { saveSessionCookie } from "@/lib/session/session-store";
import { failure, type ActionResult } from "@/lib/results/action-result";
import { faucetFailure } from "@/lib/results/faucet-failure";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";
import { AGENT_COOLDOWN_MS, OPERATOR_COOLDOWN_MS } from "./cooldowns";
import { keyLabel } from "./key-label";
import { beginRotationAttempt, finishRotationAttempt, type AttemptOutcome, type RecordedRotation, type RotationTargetKey } from "./rotation-attempts";

export type RotationSubject = { kind: "agent"; agentId: number } | { kind: "operator" };

export type RotateRequest = {
  session: OperatorSession;
  /** The page's id for this confirmation. */
  attemptId: string;
  subject: RotationSubject;
  /** When the last rotation the confirming page knew of was committed (epoch ms), or null. */
  knownRotationAt: number | null;
  /** After "outcome unknown", the attempt that got no answer: "Rotate again" must not be refused because of it. */
  ownAttemptId: string | null;
  /** Set when this rotation is one of a bulk run (incident mode): its audit events carry it. */
  batchId?: string | null;
};

export type Rotated = {
  apiKey: string;
  attemptId: string;
  /** Epoch ms; the rotation's commit time, which the page sends back as knownRotationAt. */
  rotatedAt: number;
  cooldownUntil: number;
  fingerprint: string | null;
  /** The confirming session's label, as other tabs will see it in "last rotated … from session …". */
  sessionLabel: string;
  serverNow: number;
  /** Set when the key was rotated and is shown, but the console could not record everything. */
  warning: string | null;
};

function targetKey(subject: RotationSubject): RotationTargetKey {
  return subject.kind === "agent" ? `agent:${subject.agentId}` : "operator";
}

function auditAction(subject: RotationSubject): AuditAction {
  return subject.kind === "agent" ? "rotate_agent_key" : "rotate_operator_key";
}

/** A refusal before any faucet call: recorded, but a log that cannot record it does not change the answer. */
function recordRefusal(actor: AuditActor, { subject, batchId }: RotateRequest, refusal: string): Promise<boolean> {
  return recordAuditEventQuietly(actor, { action: auditAction(subject), target: targetKey(subject), batchId: batchId ?? null, outcome: "refused", refusal });
}

function callFaucet({ session, subject }: RotateRequest): Promise<Rotation> {
  const faucet = getFaucetClient();
  return subject.kind === "agent" ? faucet.regenerateAgentKey(session.operatorKey, subject.agentId) : faucet.regenerateOperatorKey(session.operatorKey);
}

/**
 * An attempt that cannot be finished (the store went away mid-rotation) stays pending and
 * stops blocking its target once abandoned; the user must still hear the faucet's answer.
 */
async function finishQuietly(attemptId: string, outcome: AttemptOutcome): Promise<void> {
  try {
    await finishRotationAttempt(attemptId, outcome);
  } catch (error) {
    log.error("a rotation attempt could not be finished in the store", error);
  }
}

function rotatedElsewhere(last: RecordedRotation) {
  return failure(
    "rotated_elsewhere",
    `This key was rotated moments ago (at ${formatUtcTime(last.at, { seconds: true })}, from session ${last.sessionLabel}), before this page knew of it. That rotation's key was shown there. Rotate anyway only if that key is lost.`,
    { lastRotation: { at: last.at, sessionLabel: last.sessionLabel } },
  );
}

/**
 * Every key rotation, agent or operator, goes through here and nowhere else:
 * rate limit → the shared guard → the pending audit event → exactly one faucet call →
 * the attempt's outcome and the audit event completed → the session updated. Never
 * retries. Once the faucet has answered with a key, nothing that fails afterwards may
 * hide it: the key is returned with a warning. Refusals before the call are audited too.
 */
export async function rotate(request: RotateRequest): Promise<ActionResult<Rotated>> {
  const { session, subject } = request;
  const actor = await auditActor(session);
  // A bulk run has a budget of its own: at the single-rotation pace an incident of a thousand
  // agents would wait most of an hour on the console's own limit.
  const limit = await storeRateLimiter(request.batchId ? "bulk-calls" : "rotations").take(`operator:${session.operatorId}`);
  if (!limit.allowed) {
    await recordRefusal(actor, request, "rate_limited");
    return failure("rate_limited", `Too many rotations in a minute. Try again in ${limit.retryAfterSeconds} s.`, { retryAfterSeconds: limit.retryAfterSeconds });
  }
  const verdict = await beginRotationAttempt({
    attemptId: request.attemptId,
    operatorId: session.operatorId,
    target: targetKey(subject),
    sessionLabel: session.label,
    instanceId: instanceId(),
    knownRotationAt: request.knownRotationAt,
    ownAttemptId: request.ownAttemptId,
    abandonedAfterMs: faucetTimeoutMs() + 5_000,
  });
  if (verdict.kind === "rotated_elsewhere") {
    await recordRefusal(actor, request, "rotated_elsewhere");
    return rotatedElsewhere(verdict.last);
  }
  if (verdict.kind === "duplicate") {
    await recordRefusal(actor, request, "duplicate");
    return failure("outcome_unknown", "This confirmation reached the console twice; the second copy was not sent to the faucet. Rotate again if no key was shown.");
  }
  const { attemptId } = request;

  // An attempt the audit log cannot record is not made: no faucet call without its pending event.
  let audit: AuditEventHandle;
  try {
    audit = await beginAuditEvent(actor, { action: auditAction(subject), target: targetKey(subject), batchId: request.batchId ?? null });
  } catch (error) {
    await finishQuietly(attemptId, { status: "refused" });
    if (isStoreUnavailable(error)) return failure("store_unavailable", STORE_UNAVAILABLE_MESSAGE);
    throw error;
  }

  let rotation: Rotation;
  try {
    rotation = await callFaucet(request);
  } catch (error) {
    const mayHaveCommitted = !isFaucetError(error) || error.mayHaveCommitted;
    await finishQuietly(attemptId, { status: mayHaveCommitted ? "outcome_unknown" : "refused" });
    await finishAuditEventQuietly(audit, mayHaveCommitted ? { outcome: "outcome_unknown" } : { outcome: "refused", refusal: isFaucetError(error) ? error.kind : "refused" });
    if (!mayHaveCommitted && isFaucetError(error)) return faucetFailure(error);
    if (!isFaucetError(error)) log.error("rotation call failed", error);
    const reason = isFaucetError(error) ? error.message : "The console lost track of the faucet's answer.";
    return failure(
      "outcome_unknown",
      `Outcome unknown: ${reason} The faucet may have rotated the key anyway, so the old key may already be invalid. Rotate again to get a key you can use.`,
    );
  } finally {
    // Whatever the outcome, the next list comes from the faucet.
    agentListMemo().forget(session.operatorId);
  }

  if (!rotation.apiKey) {
    await finishQuietly(attemptId, { status: "key_missing" });
    await finishAuditEventQuietly(audit, { outcome: "key_missing" });
    return failure(
      "key_missing",
      "The faucet says it rotated the key but sent no new key. The old key is probably invalid already and the new one was never shown. Rotate again to get a key you can use.",
    );
  }
  return recordRotation(request, attemptId, audit, rotation.apiKey, rotation.cooldownUntil);
}

/** After the faucet committed: record it, update the session, and return the key whatever fails. */
async function recordRotation(
  { session, subject, batchId }: RotateRequest,
  attemptId: string,
  audit: AuditEventHandle,
  apiKey: string,
  reportedCooldownUntil: number | null,
): Promise<ActionResult<Rotated>> {
  const now = Date.now();
  const cooldownUntil = reportedCooldownUntil ?? now + (subject.kind === "agent" ? AGENT_COOLDOWN_MS : OPERATOR_COOLDOWN_MS);
  const fingerprint = keyFingerprint(apiKey);
  const problems: string[] = [];
  try {
    await finishRotationAttempt(attemptId, { status: "committed", keyFingerprint: keyLabel(apiKey), cooldownUntil }, now);
  } catch (error) {
    log.error("a committed rotation could not be recorded", error);
    problems.push("The console could not record this rotation, so other tabs may not show its timer.");
  }
  if (!(await finishAuditEventQuietly(audit, { outcome: "ok", keyFingerprint: keyLabel(apiKey) }))) {
    problems.push("The audit log could not record this rotation's outcome; it shows there as unknown.");
  }
  try {
    if (subject.kind === "operator") {
      // The old key is dead: the session must switch to the new one, or the operator is locked out of this console.
      await switchOperatorKey(session.sessionId, Buffer.from(session.sessionKey, "base64url"), session.operatorId, apiKey, fingerprint ?? "", now);
      const saved = await saveSessionCookie({ ...withoutExpired(session, now), operatorCooldownUntil: cooldownUntil });
      if (!saved.saved) await saveSessionCookie({ ...session, operatorCooldownUntil: cooldownUntil, agentCooldowns: [] });
    } else if (!batchId) {
      // A bulk run writes no cookie: its timers come from the store's records, and a cookie per
      // rotation would re-render the page into every reply of a thousand-agent run.
      const saved = await saveSessionCookie(withAgentCooldown(session, { agentId: subject.agentId, until: cooldownUntil, fingerprint }, now));
      if (!saved.saved) problems.push("Your session cookie is full, so this browser keeps no copy of the timer; the console's records still show it.");
    }
  } catch (error) {
    log.error("the session could not be updated after a rotation", error);
    problems.push(
      subject.kind === "operator"
        ? "The faucet rotated the key, but this console could not switch your session to it: copy the key now, then sign in again with it."
        : "The faucet rotated the key, but the console could not update your session.",
    );
  }
  return {
    ok: true,
    data: { apiKey, attemptId, rotatedAt: now, cooldownUntil, fingerprint, sessionLabel: session.label, serverNow: now, warning: problems.length > 0 ? problems.join(" ") : null },
  };
}
