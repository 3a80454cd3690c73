import { ConfigError } from "@/lib/config/config-error";

export const DEFAULT_HANDOFF_TTL_MINUTES = 15;
export const MAX_HANDOFF_TTL_MINUTES = 1440;

/**
 * HANDOFF_TTL_MINUTES: how long a hand-off link can be collected (default 15, at most 1440).
 * Read here until the shared config module takes it over.
 */
export function readHandoffTtlMinutes(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.HANDOFF_TTL_MINUTES?.trim();
  if (!raw) return DEFAULT_HANDOFF_TTL_MINUTES;
  const minutes = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(minutes) || minutes < 1 || minutes > MAX_HANDOFF_TTL_MINUTES) {
    throw new ConfigError(`HANDOFF_TTL_MINUTES must be a whole number of minutes from 1 to ${MAX_HANDOFF_TTL_MINUTES}; got "${raw}".`);
  }
  return minutes;
}

export const DEFAULT_HANDOFF_RATE_LIMIT = 30;

/** RATE_LIMIT_HANDOFFS: redeem and lookup attempts per client address and minute (default 30). */
export function readHandoffRateLimit(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.RATE_LIMIT_HANDOFFS?.trim();
  if (!raw) return DEFAULT_HANDOFF_RATE_LIMIT;
  const limit = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(limit) || limit < 1) throw new ConfigError(`RATE_LIMIT_HANDOFFS must be a whole number of attempts per minute, at least 1; got "${raw}".`);
  return limit;
}
