import "server-only";
import { envInteger } from "@/lib/config/env-number";
import { createStoreRateLimiter, type StoreRateLimiter } from "./store-rate-limiter";

/**
 * The console's rate limits, counted in the store so that every instance sharing a
 * database shares one count: N instances no longer allow N × the limit.
 */
const LIMITS = {
  /** Sign-in attempts per client address and minute. */
  "sign-ins": { variable: "RATE_LIMIT_SIGN_INS", fallback: 10 },
  /** Rotations per operator and minute. */
  rotations: { variable: "RATE_LIMIT_ROTATIONS", fallback: 20 },
} as const;

export type LimitName = keyof typeof LIMITS;

const globalForLimits = globalThis as { consoleStoreLimiters?: Map<LimitName, StoreRateLimiter> };

export function storeRateLimiter(name: LimitName): StoreRateLimiter {
  const limiters = (globalForLimits.consoleStoreLimiters ??= new Map());
  let limiter = limiters.get(name);
  if (!limiter) {
    const { variable, fallback } = LIMITS[name];
    limiter = createStoreRateLimiter({ keyPrefix: name, points: envInteger(variable, { fallback, min: 1 }), durationSeconds: 60 });
    limiters.set(name, limiter);
  }
  return limiter;
}

/** Read once at start-up, so a bad value stops the server instead of failing a request. */
export function checkLimitsConfiguration(): void {
  for (const { variable, fallback } of Object.values(LIMITS)) envInteger(variable, { fallback, min: 1 });
}
