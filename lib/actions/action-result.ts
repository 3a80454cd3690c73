/**
 * What every server action returns. Expected failures are results the UI can show;
 * only bugs are exceptions. Codes are stable: the UI picks its next step by code.
 */
export type ActionFailureCode =
  /** The faucet refused the session's key (rotated or revoked elsewhere); the session was ended. */
  | "signed_out"
  /** No valid session cookie: expired, signed out, or never signed in. */
  | "session_expired"
  | "forbidden_origin"
  | "invalid_input"
  | "rate_limited"
  | "wrong_key"
  | "rotated_elsewhere"
  | "outcome_unknown"
  | "key_missing"
  | "not_found"
  | "faucet_unavailable"
  | "faucet_refused"
  | "internal";

export type ActionFailure = {
  ok: false;
  code: ActionFailureCode;
  message: string;
  fieldErrors?: Record<string, string[]>;
  retryAfterSeconds?: number;
};

export type ActionResult<T> = { ok: true; data: T } | ActionFailure;

export function failure(code: ActionFailureCode, message: string, extra: Omit<ActionFailure, "ok" | "code" | "message"> = {}): ActionFailure {
  return { ok: false, code, message, ...extra };
}
