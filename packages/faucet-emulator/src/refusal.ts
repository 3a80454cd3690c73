/**
 * The reply vocabulary shared by every action. Expected failures are values
 * (`FaucetRefusal`), never exceptions: an exception that reaches the dispatcher is a bug and
 * becomes the generic 500.
 */

export type ErrorCode =
  | "invalid_key"
  | "wrong_role"
  | "not_found"
  | "cooldown"
  | "rate_limited"
  | "invalid_request"
  | "unknown_action"
  | "insufficient_balance"
  | "inactive"
  | "budget_exceeded"
  // Emulator-only: a demo console's embedded faucet caps how many operators and agents it holds.
  | "limit_reached";

export type FaucetRefusal = { error_code: ErrorCode; error: string; extra: Record<string, unknown> };

export type ActionOutcome =
  | { ok: true; fields: Record<string, unknown>; operatorKeyIssued?: { operatorId: number; apiKey: string } }
  | { ok: false; refusal: FaucetRefusal };

export function refuse(error_code: ErrorCode, error: string, extra: Record<string, unknown> = {}): ActionOutcome {
  return { ok: false, refusal: { error_code, error, extra } };
}

export function succeed(fields: Record<string, unknown>): ActionOutcome {
  return { ok: true, fields };
}

export function cooldownRefusal(what: string, cooldownUntil: number, now: number): ActionOutcome {
  const until = new Date(cooldownUntil).toISOString();
  return refuse("cooldown", `${what} are locked until ${until} after a key rotation or recovery.`, {
    cooldown_until: until,
    seconds_remaining: Math.ceil((cooldownUntil - now) / 1000),
  });
}

/**
 * One message for "no such agent" and "someone else's agent", so an operator cannot
 * probe which agent ids exist elsewhere.
 */
export function agentNotFound(agentId: number): ActionOutcome {
  return refuse("not_found", `Agent ${agentId} not found.`);
}

export function insufficientBalance(who: string, required: number, available: number): ActionOutcome {
  return refuse(
    "insufficient_balance",
    `Insufficient ${who} balance: ${required} sats required, ${available} available.`,
    {
      required,
      available,
    },
  );
}
