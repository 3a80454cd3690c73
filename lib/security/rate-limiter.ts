import { createHash } from "node:crypto";
import { securitySettings } from "@/lib/config/env";
import { metrics } from "@/lib/metrics";

/**
 * A sliding-window limit held in this instance's memory: the per-instance sign-in backstop.
 * The limits that must hold across instances (per client, per operator) are counted in the
 * store instead (store-rate-limiter.ts, limits.ts).
 */
export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Clients remembered at once; past it the least recently seen are forgotten first. */
const MAX_CLIENTS = 10_000;

export function createRateLimiter({
  limit,
  windowMs,
  now = Date.now,
}: {
  limit: number;
  windowMs: number;
  now?: () => number;
}) {
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
  globalForLimits.globalSignInLimiter ??= createRateLimiter({
    limit: securitySettings().signInsPerInstance,
    windowMs: 60_000,
  });
  return globalForLimits.globalSignInLimiter;
}

type ClientLimiter = { take(client: string): RateLimitVerdict | Promise<RateLimitVerdict> };

export type SignInLimiters = {
  /** Attempts per client address (the TCP peer, or what trusted proxies wrote). */
  perClient: ClientLimiter;
  /** Attempts per key tried, by signInKeyFingerprint(): junk keys each spend only their own budget. */
  perKey: ClientLimiter;
  perInstance: RateLimiter;
  /** Keys that signed in as an operator before, by fingerprint, on any instance (kept in the store). */
  knownKeys: { has(fingerprint: string): boolean | Promise<boolean> };
};

/**
 * The name a tried key is counted under: a one-way hash, so the rate-limit table holds no
 * key. Faucet keys are 128 random bits, so the hash cannot be searched back to a key.
 */
export function signInKeyFingerprint(key: string): string {
  return `key:${createHash("sha256").update("faucet-console sign-in limit\0").update(key).digest("base64url")}`;
}

/**
 * One sign-in attempt against every limit, cheapest refusal first; a refused attempt spends
 * nothing of the later budgets. The address limit stops one client; the key limit stops
 * guessing at one key from many addresses; the per-instance backstop protects the faucet
 * from many addresses together. The backstop counts and refuses only keys not known to be
 * real: a key that has signed in before, on any instance and across restarts (knownKeys,
 * in the store), skips it, so junk keys, however many addresses send them, spend only the
 * budget of other unknown keys and never a real operator's sign-in.
 */
export async function takeSignInAttempt(
  attempt: { client: string; keyFingerprint: string },
  limiters: SignInLimiters,
): Promise<RateLimitVerdict> {
  const own = await limiters.perClient.take(attempt.client);
  if (!own.allowed) return own;
  const key = await limiters.perKey.take(attempt.keyFingerprint);
  if (!key.allowed) return key;
  if (await limiters.knownKeys.has(attempt.keyFingerprint)) return { allowed: true };
  const backstop = limiters.perInstance.take("instance");
  // The store's limits count their own refusals (limits.ts); this one is in memory.
  if (!backstop.allowed) metrics().rateLimitRefusals.inc({ limit: "sign-ins-global" });
  return backstop;
}
