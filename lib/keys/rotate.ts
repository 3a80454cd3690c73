import "server-only";
import type { AuditAction } from "@/lib/audit/audit-vocabulary";
import {
  ROTATION_LIMIT,
  runChange,
  type Change,
  type ChangeContext,
  type GuardVerdict,
} from "@/lib/changes/run-change";
import { instanceId } from "@/lib/config/env";
import { faucetTimeoutMs, type Rotation } from "@/lib/faucet";
import { log } from "@/lib/log";
import { failure, type ActionResult } from "@/lib/action-result";
import { keyTail } from "@/lib/key-label";
import { withAgentCooldown, withoutExpired } from "@/lib/session/cookie-cooldowns";
import type { OperatorSession } from "@/lib/session/session-data";
import { replaceSessionIn, type ReplacedSession } from "@/lib/session/session-records";
import { saveSessionCookie } from "@/lib/session/session-store";
import type { StoreDatabase } from "@/lib/store/store";
import { formatUtcTime } from "@/lib/format-utc-time";
import { AGENT_COOLDOWN_MS, OPERATOR_COOLDOWN_MS } from "./cooldowns";
import { keyLabel } from "@/lib/key-label";
import {
  claimRotationTarget,
  finishRotationAttemptIn,
  type RecordedRotation,
  type RotationTargetKey,
} from "./rotation-attempts";

export type RotationSubject = { kind: "agent"; agentId: number } | { kind: "operator" };

export type RotateRequest = {
  /** The page's id for this confirmation. */
  attemptId: string;
  subject: RotationSubject;
  /** When the last rotation the confirming page knew of was committed (epoch ms), or null. */
  knownRotationAt: number | null;
  /** After "outcome unknown", the attempt that got no answer: "Rotate again" must not be refused because of it. */
  ownAttemptId: string | null;
};

export type Rotated = {
  apiKey: string;
  attemptId: string;
  /** Epoch ms; the rotation's commit time, which the page sends back as knownRotationAt. */
  rotatedAt: number;
  cooldownUntil: number;
  keyTail: string | null;
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

function rotatedElsewhere(last: RecordedRotation) {
  return failure(
    "rotated_elsewhere",
    `This key was rotated moments ago (at ${formatUtcTime(last.at, { seconds: true })}, from session ${last.sessionLabel}), before this page knew of it. That rotation's key was shown there. Rotate anyway only if that key is lost.`,
    { lastRotation: { at: last.at, sessionLabel: last.sessionLabel } },
  );
}

const UNKNOWN_CONSEQUENCE =
  "The faucet may have rotated the key anyway, so the old key may already be invalid. Rotate again to get a key you can use.";

function guard(session: OperatorSession, request: RotateRequest) {
  return async (tx: StoreDatabase): Promise<GuardVerdict> => {
    const verdict = await claimRotationTarget(tx, {
      attemptId: request.attemptId,
      operatorId: session.operatorId,
      target: targetKey(request.subject),
      sessionLabel: session.label,
      instanceId: instanceId(),
      knownRotationAt: request.knownRotationAt,
      ownAttemptId: request.ownAttemptId,
      abandonedAfterMs: faucetTimeoutMs() + 5_000,
    });
    if (verdict.kind === "begun" || verdict.kind === "wait") return verdict;
    if (verdict.kind === "rotated_elsewhere")
      return { kind: "refused", refusal: "rotated_elsewhere", result: rotatedElsewhere(verdict.last) };
    return {
      kind: "refused",
      refusal: "duplicate",
      result: failure(
        "outcome_unknown",
        "This confirmation reached the console twice; the second copy was not sent to the faucet. Rotate again if no key was shown.",
      ),
    };
  };
}

/**
 * A key rotation, agent or operator, as the pipeline's Change: what it adds is the guard (one
 * confirmation, one faucet call, across tabs and instances) before the call, and after it the
 * rotation record, an operator-key rotation's new session, and the cookie. Once the faucet has
 * answered with a key, nothing that fails afterwards may hide it: the key is returned with a warning.
 */
export function rotationChange(context: ChangeContext, request: RotateRequest): Change<Rotation, Rotated> {
  const { session } = context;
  const { subject, attemptId } = request;
  return {
    action: auditAction(subject),
    target: targetKey(subject),
    limit: ROTATION_LIMIT,
    guard: guard(session, request),
    call: (faucet, operatorKey) =>
      subject.kind === "agent"
        ? faucet.regenerateAgentKey(operatorKey, subject.agentId)
        : faucet.regenerateOperatorKey(operatorKey),
    unknownConsequence: UNKNOWN_CONSEQUENCE,
    recordFailure: (tx, status) => finishRotationAttemptIn(tx, attemptId, { status }),
    settle: (rotation) => {
      if (!rotation.apiKey) {
        return {
          audit: { outcome: "key_missing" },
          record: (tx) => finishRotationAttemptIn(tx, attemptId, { status: "key_missing" }),
          result: failure(
            "key_missing",
            "The faucet says it rotated the key but sent no new key. The old key is probably invalid already and the new one was never shown. Rotate again to get a key you can use.",
          ),
        };
      }
      const apiKey = rotation.apiKey;
      const now = Date.now();
      const cooldownUntil =
        rotation.cooldownUntil ?? now + (subject.kind === "agent" ? AGENT_COOLDOWN_MS : OPERATOR_COOLDOWN_MS);
      const tail = keyTail(apiKey);
      const label = keyLabel(apiKey);
      // One reply, told before the record (for the pipeline) and after it (with what the user must know).
      const rotated = (warning: string | null): Rotated => ({
        apiKey,
        attemptId,
        rotatedAt: now,
        cooldownUntil,
        keyTail: tail,
        sessionLabel: session.label,
        serverNow: now,
        warning,
      });
      let replaced: ReplacedSession | null = null;
      return {
        audit: { outcome: "ok", keyLabel: label },
        result: { ok: true, data: rotated(null) },
        record: async (tx) => {
          await finishRotationAttemptIn(tx, attemptId, { status: "committed", keyLabel: label, cooldownUntil }, now);
          if (subject.kind === "operator") {
            // The old key is dead, and so is every cookie made for it: this browser gets a new session.
            replaced = await replaceSessionIn(tx, {
              id: session.sessionId,
              operatorId: session.operatorId,
              operatorName: session.operatorName,
              newKey: apiKey,
              keyTail: tail ?? "",
              now,
            });
          }
        },
        after: async (recorded) => {
          const problems: string[] = [];
          if (!recorded) {
            problems.push(
              "The console could not record this rotation, so other tabs may not show its timer.",
              "The audit log could not record this rotation's outcome; it shows there as unknown.",
            );
          }
          const problem = await updateSessionCookie(context, subject, {
            cooldownUntil,
            keyTail: tail,
            now,
            replaced: recorded ? replaced : null,
          });
          if (problem) problems.push(problem);
          return { ok: true, data: rotated(problems.length > 0 ? problems.join(" ") : null) };
        },
      };
    },
  };
}

const SIGN_IN_WITH_NEW_KEY =
  "The faucet rotated the key, but this console could not switch your session to it: copy the key now, then sign in again with it.";

/** The cookie after a committed rotation; returns what the user must be told, or null. */
async function updateSessionCookie(
  { session, bulk }: ChangeContext,
  subject: RotationSubject,
  {
    cooldownUntil,
    keyTail,
    now,
    replaced,
  }: { cooldownUntil: number; keyTail: string | null; now: number; replaced: ReplacedSession | null },
): Promise<string | null> {
  try {
    if (subject.kind === "operator") {
      // No new session (the store could not take it): the operator must sign in with the new key.
      if (!replaced) return SIGN_IN_WITH_NEW_KEY;
      const cookie = {
        ...withoutExpired(session, now),
        sessionId: replaced.id,
        sessionKey: replaced.sessionKey.toString("base64url"),
        operatorCooldownUntil: cooldownUntil,
      };
      const saved =
        (await saveSessionCookie(cookie)).saved || (await saveSessionCookie({ ...cookie, agentCooldowns: [] })).saved;
      return saved ? null : SIGN_IN_WITH_NEW_KEY;
    }
    // A bulk run writes no cookie: its timers come from the store's records, and a cookie per
    // rotation would re-render the page into every reply of a thousand-agent run.
    if (bulk) return null;
    const saved = await saveSessionCookie(
      withAgentCooldown(session, { agentId: subject.agentId, until: cooldownUntil, keyTail }, now),
    );
    return saved.saved
      ? null
      : "Your session cookie is full, so this browser keeps no copy of the timer; the console's records still show it.";
  } catch (error) {
    log.error("the session could not be updated after a rotation", error);
    return subject.kind === "operator"
      ? SIGN_IN_WITH_NEW_KEY
      : "The faucet rotated the key, but the console could not update your session.";
  }
}

/** Every key rotation, agent or operator, single or bulk, goes through here and nowhere else. */
export function rotate(context: ChangeContext, request: RotateRequest): Promise<ActionResult<Rotated>> {
  return runChange(context, rotationChange(context, request));
}
