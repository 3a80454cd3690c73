/**
 * Why a browser is on the sign-in page instead of the console. The code travels in the
 * URL (`/?reason=…`) and in the store; the text is fixed here, never taken from the URL.
 * A code is the same word wherever it appears: an action's failure code, the URL, the row.
 */
export const SESSION_END_NOTICES = {
  signed_out: "Your session has ended. Sign in again.",
  idle: "You were signed out after a while without activity. Sign in again.",
  expired: "Your session reached its 12-hour limit. Sign in again.",
  key_invalid:
    "You were signed out: the faucet no longer accepts your operator key. It was rotated or revoked elsewhere. Sign in with the current key.",
  operator_key_rotated:
    "You were signed out: the operator key was rotated in another session. Sign in with the new key.",
  signed_out_everywhere:
    "You were signed out: “Sign out everywhere” was pressed for this operator, which ended all of its sessions.",
  sign_out_incomplete:
    "You are signed out in this browser, but the console's database could not be reached: copies of this session elsewhere may work until they time out. Use “Sign out everywhere” once the console is back.",
} as const;

export type SessionEndReason = keyof typeof SESSION_END_NOTICES;

/** Own properties only: `?reason=constructor` must not find Object.prototype.constructor. */
export function sessionEndNotice(reason: unknown): string | null {
  return typeof reason === "string" && Object.hasOwn(SESSION_END_NOTICES, reason)
    ? SESSION_END_NOTICES[reason as SessionEndReason]
    : null;
}

export function isSessionEndReason(value: unknown): value is SessionEndReason {
  return typeof value === "string" && Object.hasOwn(SESSION_END_NOTICES, value);
}
