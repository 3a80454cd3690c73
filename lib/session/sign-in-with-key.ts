import "server-only";
import { getFaucetClient, isFaucetError } from "@/lib/faucet";
import { log } from "@/lib/log";
import { failure, type ActionFailure } from "@/lib/results/action-result";
import { storeRateLimiter } from "@/lib/security/limits";
import { globalSignInLimiter, takeSignInAttempt } from "@/lib/security/rate-limiter";
import { clientAddress, isSameOriginRequest } from "@/lib/security/same-origin";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";
import { pruneSessionRecords } from "./session-records";
import { openSession } from "./session-store";

/** What the sign-in forms show: nothing (null) or one failure, with the key field's error if it is the key's fault. */
export type SignInResult = ActionFailure | null;

const wrongKey = (message: string) => failure("invalid_input", message, { fieldErrors: { operatorKey: message } });

/**
 * Checks a key with whoami and, for an operator key, opens a session: the key is sealed
 * into the session's row, and only the key to that seal goes into the cookie. Returns the
 * failure to show, or null when the caller should go on to the agents page.
 */
export async function signInWithKey(key: string): Promise<SignInResult> {
  if (!(await isSameOriginRequest())) return failure("forbidden_origin", "This sign-in did not come from the console's own page.");
  try {
    // The limiter lives in the store: a store that is down refuses here, before any faucet call.
    const verdict = await takeSignInAttempt(await clientAddress(), { perClient: storeRateLimiter("sign-ins"), perInstance: globalSignInLimiter() });
    if (!verdict.allowed) {
      return failure("rate_limited", `Too many sign-in attempts. Try again in ${verdict.retryAfterSeconds} s.`, { retryAfterSeconds: verdict.retryAfterSeconds });
    }
    const identity = await getFaucetClient().whoami(key);
    if (identity.type !== "operator") return wrongKey(`That is the key of agent “${identity.name}”. Sign in with the operator key (it starts with lf_).`);
    const now = Date.now();
    const saved = await openSession({ operatorKey: key, operatorId: identity.id, operatorName: identity.name, operatorCooldownUntil: identity.cooldownUntil }, now);
    if (!saved.saved) return failure("internal", "This operator's details are too large for a session cookie.");
    pruneSessionRecords(now).catch((error: unknown) => log.warn("pruning ended sessions failed", error));
    return null;
  } catch (error) {
    if (isStoreUnavailable(error)) return failure("store_unavailable", `${STORE_UNAVAILABLE_MESSAGE} Your key was not checked.`);
    if (!isFaucetError(error)) {
      log.error("sign-in failed", error);
      return failure("internal", "The console hit an unexpected error. Try again.");
    }
    switch (error.kind) {
      case "invalid_key":
        return wrongKey("The faucet does not know this key. Check it, or use the key from the latest rotation.");
      case "timeout":
      case "upstream_unavailable":
      case "bad_response":
        return failure("faucet_unavailable", `${error.message} Your key was not checked; try again when the faucet is back.`);
      default:
        return failure("faucet_refused", error.message);
    }
  }
}
