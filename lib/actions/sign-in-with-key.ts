import "server-only";
import { getFaucetClient, isFaucetError } from "@/lib/faucet";
import { log } from "@/lib/log";
import { clientAddress, isSameOriginRequest } from "@/lib/security/same-origin";
import { takeSignInAttempt } from "@/lib/security/rate-limiter";
import { keyFingerprint } from "@/lib/session/cooldown-codec";
import { saveSession } from "@/lib/session/session-store";
import type { SignInState } from "./sign-in-schema";
import { recordOperatorKey } from "./superseded-operator-keys";

/**
 * Checks a key with whoami and, for an operator key, opens the session. The key is kept
 * only inside the sealed, HttpOnly session cookie. Returns the state to show, or null
 * when the caller should redirect to the agents page.
 */
export async function signInWithKey(key: string): Promise<SignInState | null> {
  if (!(await isSameOriginRequest())) return { message: "This sign-in did not come from the console's own page.", fieldError: null };
  const verdict = takeSignInAttempt(await clientAddress());
  if (!verdict.allowed) {
    return { message: `Too many sign-in attempts. Try again in ${verdict.retryAfterSeconds} s.`, fieldError: null };
  }
  try {
    const identity = await getFaucetClient().whoami(key);
    if (identity.type !== "operator") {
      return {
        message: null,
        fieldError: `That is the key of agent “${identity.name}”. Sign in with the operator key (it starts with lf_).`,
      };
    }
    const saved = await saveSession({
      operatorKey: key,
      operatorId: identity.id,
      operatorName: identity.name,
      operatorCooldownUntil: identity.cooldownUntil,
      operatorKeyFingerprint: keyFingerprint(key),
      agentCooldowns: [],
    });
    if (!saved.saved) return { message: "This operator's details are too large for a session cookie.", fieldError: null };
    recordOperatorKey(identity.id, key);
    return null;
  } catch (error) {
    if (!isFaucetError(error)) {
      log.error("sign-in failed", error);
      return { message: "The console hit an unexpected error. Try again.", fieldError: null };
    }
    switch (error.kind) {
      case "invalid_key":
        return { message: null, fieldError: "The faucet does not know this key. Check it, or use the key from the latest rotation." };
      case "timeout":
      case "upstream_unavailable":
      case "bad_response":
        return { message: `${error.message} Your key was not checked; try again when the faucet is back.`, fieldError: null };
      default:
        return { message: error.message, fieldError: null };
    }
  }
}
