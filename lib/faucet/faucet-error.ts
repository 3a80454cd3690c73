/**
 * The one error type of the faucet client. `kind` drives what the console does;
 * `message` is ours and safe to show a user — an upstream body is never passed on.
 */
export type FaucetErrorKind =
  | "invalid_key"
  | "wrong_role"
  | "not_found"
  | "cooldown"
  | "rate_limited"
  | "invalid_request"
  /** The faucet does not know the action (an older or newer release): certainly nothing changed. */
  | "unknown_action"
  | "upstream_unavailable"
  | "timeout"
  | "bad_response";

export type FaucetErrorDetails = {
  /** Epoch ms when a cooldown ends (kind "cooldown"). */
  cooldownUntil?: number;
  /** Seconds to wait before trying again (kind "rate_limited"). */
  retryAfterSeconds?: number;
  /**
   * True when the request may have reached the faucet and changed state even though
   * we got no usable answer (a timeout, a lost reply, a 5xx, an unreadable reply).
   * For a rotation this means "outcome unknown": the old key may already be dead.
   */
  mayHaveCommitted?: boolean;
  /** HTTP status of an upstream failure, for the message and the logs. */
  httpStatus?: number;
};

/**
 * Next bundles a module once per server layer (route handlers, pages, actions), and the
 * faucet client is one per process: an error it throws may come from another copy of this
 * class, so `instanceof` is not enough. A registered symbol is the same in every copy.
 */
const FAUCET_ERROR = Symbol.for("faucet-console.FaucetError");

export class FaucetError extends Error {
  readonly [FAUCET_ERROR] = true;
  readonly kind: FaucetErrorKind;
  readonly cooldownUntil?: number;
  readonly retryAfterSeconds?: number;
  readonly mayHaveCommitted: boolean;
  readonly httpStatus?: number;

  constructor(kind: FaucetErrorKind, message: string, details: FaucetErrorDetails = {}) {
    super(message);
    this.name = "FaucetError";
    this.kind = kind;
    this.cooldownUntil = details.cooldownUntil;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.mayHaveCommitted = details.mayHaveCommitted ?? false;
    this.httpStatus = details.httpStatus;
  }
}

export function isFaucetError(error: unknown): error is FaucetError {
  return typeof error === "object" && error !== null && (error as { [FAUCET_ERROR]?: unknown })[FAUCET_ERROR] === true;
}
