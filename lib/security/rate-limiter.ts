import { securitySettings } from "@/lib/config/security-settings";

/**
 * A sliding-window limit held in this instance's memory: the per-instance sign-in backstop.
 * The limits that must hold across instances (per client, per operator) are counted in the
 * store instead (store-rate-limiter.ts, limits.ts).
 */
export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Clients remembered at once; past it the least recently seen are forgotten first. */
const MAX_CLIENTS = 10_000;

export function createRateLimiter({ limit, windowMs, now = Date.now }: { limit: number; windowMs: number; now?: () => number }) {
  // Insertion order is recency order: every take() re-inserts its client at the end.
  const hits = new Map<string, number[]>();

  return {
    take(client: string): RateLimitVerdict {
      const at = now();
      const recent = (hits.get(client) ?? []).filter((time) => time > at - windowMs);
      hits.delete(client);
      if (recent.length >= limit) {
        hits.set(client, recent);
        const oldest = recent[0] ?? at;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - at) / 1000)) };
      }
      recent.push(at);
      hits.set(client, recent);
      // Memory stays bounded under a flood of distinct (possibly forged) clients, in O(1) per call.
      while (hits.size > MAX_CLIENTS) {
        const oldest = hits.keys().next().value;
        if (oldest === undefined) break;
        hits.delete(oldest);
      }
      return { allowed: true };
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

const globalForLimits = globalThis as { globalSignInLimiter?: RateLimiter };

/**
 * Sign-in attempts from all clients together per minute and instance (RATE_LIMIT_SIGN_INS_GLOBAL,
 * default 100): the backstop when the client address is wrong or forged, e.g. a proxy
 * setting that trusts a header the client wrote. Per instance on purpose: it guards this
 * process's faucet calls, and needs no store to answer.
 */
export function globalSignInLimiter(): RateLimiter {
  globalForLimits.globalSignInLimiter ??= createRateLimiter({ limit: securitySettings().signInsPerInstance, windowMs: 60_000 });
  return globalForLimits.globalSignInLimiter;
}

type ClientLimiter = { take(client: string): RateLimitVerdict | Promise<RateLimitVerdict> };

/** One sign-in attempt against both limits: the client's own first, so a refused client spends nothing of the shared budget. */
export async function takeSignInAttempt(client: string, limiters: { perClient: ClientLimiter; perInstance: RateLimiter }): Promise<RateLimitVerdict> {
  const own = await limiters.perClient.take(client);
  if (!own.allowed) return own;
  return limiters.perInstance.take("instance");
}
