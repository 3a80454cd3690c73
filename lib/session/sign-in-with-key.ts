import "server-only";
import { auditActor } from "@/lib/audit/audit-actor";
import { recordAuditEventQuietly } from "@/lib/audit/record-audit-event";
import { getFaucetClient, isFaucetError } from "@/lib/faucet";
import { keyLabel } from "@/lib/key-label";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import { failure, type ActionFailure } from "@/lib/action-result";
import { recordAnonymousRefusal } from "@/lib/audit/anonymous-refusals";
import { knownSignInKeys, storeRateLimiter } from "@/lib/security/limits";
import { globalSignInLimiter, signInKeyFingerprint, takeSignInAttempt } from "@/lib/security/rate-limiter";
import { clientAddress, isSameOriginRequest } from "@/lib/security/same-origin";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";
import { pruneSessionRecords } from "./session-records";
import { openSession } from "./session-store";

/** What the sign-in forms show: nothing (null) or one failure, with the key field's error if it is the key's fault. */
export type SignInResult = ActionFailure | null;

const wrongKey = (message: string) => failure("invalid_input", message, { fieldErrors: { operatorKey: message } });

/**
 * What the audit log keeps of one attempt. A refused key names no operator: its event goes
 * to the anonymous chain. The key itself never: an accepted one by its label only.
 */
type SignInAudit = {
  operatorId: number | null;
  sessionLabel: string | null;
  refusal: string | null;
  keyLabel: string | null;
};

const refusedAs = (refusal: string, operatorId: number | null = null): SignInAudit => ({
  operatorId,
  sessionLabel: null,
  refusal,
  keyLabel: null,
});

/**
 * Refusals that cost the client nothing (no faucet call, no limit spent): recorded as one
 * row per address, kind and minute, the rest counted (anonymous-refusals.ts). A refusal
 * after the limit (an unknown key, the faucet down) is a row each: the limit bounds them.
 */
const FREE_REFUSALS = new Set(["forbidden_origin", "rate_limited"]);

/**
 * Checks a key with whoami and, for an operator key, opens a session: the key is sealed
 * into the session's row, and only the key to that seal goes into the cookie. Returns the
 * failure to show, or null when the caller should go on to the agents page. Every attempt
 * is audited, accepted or refused and why, unless the store itself is down.
 */
export async function signInWithKey(key: string): Promise<SignInResult> {
  const { result, audit } = await attemptSignIn(key);
  // A refusal's kind is a closed set (invalid_key, rate_limited, a FaucetError kind, …); the key or operator never.
  metrics().signIns.inc({ outcome: audit === null ? "store_unavailable" : (audit.refusal ?? "ok") });
  if (audit?.operatorId === null && audit.refusal !== null && FREE_REFUSALS.has(audit.refusal)) {
    await recordAnonymousRefusal({ action: "sign_in", refusal: audit.refusal });
  } else if (audit) {
    const actor = await auditActor({ operatorId: audit.operatorId, sessionLabel: audit.sessionLabel });
    await recordAuditEventQuietly(actor, {
      action: "sign_in",
      target: "operator",
      ...(audit.refusal ? { outcome: "refused", refusal: audit.refusal } : { outcome: "ok", keyLabel: audit.keyLabel }),
    });
  }
  return result;
}

async function attemptSignIn(key: string): Promise<{ result: SignInResult; audit: SignInAudit | null }> {
  if (!(await isSameOriginRequest()))
    return {
      result: failure("forbidden_origin", "This sign-in did not come from the console's own page."),
      audit: refusedAs("forbidden_origin"),
    };
  try {
    // The limiter lives in the store: a store that is down refuses here, before any faucet call.
    const limitKey = signInKeyFingerprint(key);
    const verdict = await takeSignInAttempt(
      { client: await clientAddress(), keyFingerprint: limitKey },
      {
        perClient: storeRateLimiter("sign-ins"),
        perKey: storeRateLimiter("sign-in-keys"),
        perInstance: globalSignInLimiter(),
        knownKeys: knownSignInKeys(),
      },
    );
    if (!verdict.allowed) {
      return {
        result: failure("rate_limited", `Too many sign-in attempts. Try again in ${verdict.retryAfterSeconds} s.`, {
          retryAfterSeconds: verdict.retryAfterSeconds,
        }),
        audit: refusedAs("rate_limited"),
      };
    }
    const identity = await getFaucetClient().whoami(key);
    if (identity.type !== "operator") {
      return {
        result: wrongKey(
          `That is the key of agent “${identity.name}”. Sign in with the operator key (it starts with lf_).`,
        ),
        audit: refusedAs("agent_key"),
      };
    }
    const now = Date.now();
    // Known from now on, on every instance: the per-instance backstop no longer counts this key.
    await knownSignInKeys().mark(limitKey);
    const saved = await openSession(
      {
        operatorKey: key,
        operatorId: identity.id,
        operatorName: identity.name,
        operatorCooldownUntil: identity.cooldownUntil,
      },
      now,
    );
    if (!saved.saved)
      return {
        result: failure("internal", "This operator's details are too large for a session cookie."),
        audit: refusedAs("session_too_large", identity.id),
      };
    pruneSessionRecords(now).catch((error: unknown) => log.warn("pruning ended sessions failed", error));
    return {
      result: null,
      audit: { operatorId: identity.id, sessionLabel: saved.label, refusal: null, keyLabel: keyLabel(key) },
    };
  } catch (error) {
    // Nothing can be recorded in a store that cannot be reached.
    if (isStoreUnavailable(error))
      return {
        result: failure("store_unavailable", `${STORE_UNAVAILABLE_MESSAGE} Your key was not checked.`),
        audit: null,
      };
    if (!isFaucetError(error)) {
      log.error("sign-in failed", error);
      return {
        result: failure("internal", "The console hit an unexpected error. Try again."),
        audit: refusedAs("internal"),
      };
    }
    const audit = refusedAs(error.kind);
    switch (error.kind) {
      case "invalid_key":
        return {
          result: wrongKey("The faucet does not know this key. Check it, or use the key from the latest rotation."),
          audit,
        };
      case "timeout":
      case "upstream_unavailable":
      case "bad_response":
        return {
          result: failure(
            "faucet_unavailable",
            `${error.message} Your key was not checked; try again when the faucet is back.`,
          ),
          audit,
        };
      default:
        return { result: failure("faucet_refused", error.message), audit };
    }
  }
}
