import "server-only";
import { securitySettings, type SecuritySettings } from "@/lib/config/env";
import { metrics } from "@/lib/metrics";
import { createStoreMarks, createStoreRateLimiter, type StoreMarks, type StoreRateLimiter } from "./store-rate-limiter";

/**
 * The console's rate limits, counted in the store so that every instance sharing a
 * database shares one count: N instances no longer allow N × the limit.
 */
const LIMITS = {
  /** Sign-in attempts per client address and minute (RATE_LIMIT_SIGN_INS). */
  "sign-ins": "signInsPerClient",
  /** Sign-in attempts per key tried (by its hash) and minute (RATE_LIMIT_SIGN_INS too). */
  "sign-in-keys": "signInsPerClient",
  /** Rotations per operator and minute (RATE_LIMIT_ROTATIONS). */
  rotations: "rotationsPerOperator",
  /** Calls of bulk runs (incident mode: rotations, deactivations) per operator and minute (RATE_LIMIT_BULK_CALLS). */
  "bulk-calls": "bulkCallsPerOperator",
  /** Agent lifecycle changes (create, activate, budget, sweep, fund, delete) per operator and minute (RATE_LIMIT_AGENT_CHANGES). */
  "agent-changes": "agentChangesPerOperator",
} as const satisfies Record<string, keyof SecuritySettings>;

export type LimitName = keyof typeof LIMITS;

const globalForLimits = globalThis as { consoleStoreLimiters?: Map<LimitName, StoreRateLimiter> };

export function storeRateLimiter(name: LimitName): StoreRateLimiter {
  const limiters = (globalForLimits.consoleStoreLimiters ??= new Map());
  let limiter = limiters.get(name);
  if (!limiter) {
    const counted = createStoreRateLimiter({
      keyPrefix: name,
      points: securitySettings()[LIMITS[name]],
      durationSeconds: 60,
    });
    limiter = {
      async take(client: string) {
        const verdict = await counted.take(client);
        if (!verdict.allowed) metrics().rateLimitRefusals.inc({ limit: name });
        return verdict;
      },
    };
    limiters.set(name, limiter);
  }
  return limiter;
}

/** How long a key that signed in stays exempt from the per-instance sign-in backstop: 90 days after its last sign-in. */
export const KNOWN_SIGN_IN_KEY_DAYS = 90;

const globalForKnown = globalThis as { knownSignInKeys?: StoreMarks };

/**
 * Keys that signed in as an operator, by signInKeyFingerprint() (no key is stored), kept in
 * the store so every instance and every restart knows them.
 */
export function knownSignInKeys(): StoreMarks {
  globalForKnown.knownSignInKeys ??= createStoreMarks({
    keyPrefix: "sign-in-known-keys",
    keepSeconds: KNOWN_SIGN_IN_KEY_DAYS * 24 * 60 * 60,
  });
  return globalForKnown.knownSignInKeys;
}
