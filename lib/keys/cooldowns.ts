/**
 * The faucet's documented withdrawal cooldowns after a rotation (faucet-api.md §4). Used
 * when a reply carries no cooldown_until, and for the timers' progress bars. Safe for the
 * browser: plain numbers.
 */
export const AGENT_COOLDOWN_MS = 30 * 60 * 1000;
export const OPERATOR_COOLDOWN_MS = 60 * 60 * 1000;

/** A cooldown's length as the confirmation says it, e.g. "30 minutes": derived, so it cannot drift from the constants. */
export function formatCooldownLength(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
}
