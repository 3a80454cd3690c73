// Safe for the browser: type-only imports, no server code. The browser uses the same codes and mayHaveCommitted().
import type { FaucetError } from "@/lib/faucet/faucet-error";
import type { SessionEndReason } from "@/lib/session/session-end-reasons";

/**
 * What every server action returns. Expected failures are results the UI can show;
 * only bugs are exceptions. Codes are stable: the UI picks its next step by code, and a
 * code that sends the user to the sign-in page is the same word as the page's `?reason=`.
 */
export type ActionFailureCode =
  /** No live session: never signed in, signed out, ended elsewhere, idle or expired (see `reason`). */
  | "signed_out"
  /** The faucet refused the session's operator key (rotated or revoked elsewhere); the session was ended. */
  | "key_invalid"
  /** This request used an operator key another tab replaced a moment ago: nothing was done, reload. */
  | "key_superseded"
  | "forbidden_origin"
  | "invalid_input"
  | "rate_limited"
  | "rotated_elsewhere"
  | "outcome_unknown"
  | "key_missing"
  | "not_found"
  | "faucet_unavailable"
  | "faucet_refused"
  | "store_unavailable"
  | "internal";

export type ActionFailure = {
  ok: false;
  code: ActionFailureCode;
  message: string;
  /** Per form field, for the form that was submitted (sign-in's key field). */
  fieldErrors?: Record<string, string>;
  retryAfterSeconds?: number;
  /** With "signed_out": why, for the sign-in page. */
  reason?: SessionEndReason;
  /** With "rotated_elsewhere": the rotation this confirmation did not know of. */
  lastRotation?: { at: number; sessionLabel: string };
};

export type ActionResult<T> = { ok: true; data: T } | ActionFailure;

export function failure(
  code: ActionFailureCode,
  message: string,
  extra: Omit<ActionFailure, "ok" | "code" | "message"> = {},
): ActionFailure {
  return { ok: false, code, message, ...extra };
}

/** Where the browser goes after a failure that ended its session, or null if it stays. */
export function signInPageFor(result: ActionFailure): string | null {
  if (result.code === "signed_out") return `/?reason=${result.reason ?? "signed_out"}`;
  if (result.code === "key_invalid") return "/?reason=key_invalid";
  return null;
}

/**
 * A failure after which the faucet may have made the change after all: no answer came back
 * ("outcome_unknown"), or a rotation committed but its key did not reach the page ("key_missing").
 * The UI never sends such a call again by itself; it offers the operator the choice.
 */
export function mayHaveCommitted(code: ActionFailureCode): boolean {
  return code === "outcome_unknown" || code === "key_missing";
}

/** How a faucet error reads to an operator who just asked for a change. */
export function faucetFailure(error: FaucetError): ActionFailure {
  switch (error.kind) {
    case "invalid_key":
      return failure(
        "key_invalid",
        "The faucet no longer accepts your operator key: it was rotated or revoked elsewhere. Sign in with the current key.",
      );
    case "not_found":
      return failure(
        "not_found",
        "The faucet has no such agent for this operator. It may have been deleted; the list is being refreshed.",
      );
    case "rate_limited":
      return failure("rate_limited", error.message, { retryAfterSeconds: error.retryAfterSeconds });
    case "cooldown":
    case "wrong_role":
    case "invalid_request":
    case "unknown_action":
      return failure("faucet_refused", error.message);
    case "timeout":
    case "upstream_unavailable":
    case "bad_response":
      return failure("faucet_unavailable", error.message);
  }
}
