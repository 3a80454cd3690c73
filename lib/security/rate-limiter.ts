/**
 * A sliding-window limit per client, held in this instance's memory. Behind a load
 * balancer each instance counts on its own, so the effective limit is N × instances:
 * a shared store would be needed to make it exact, and the faucet limits too.
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

function limitFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const globalForLimits = globalThis as { signInLimiter?: RateLimiter; rotationLimiter?: RateLimiter };

/** Sign-in attempts per client address and minute (RATE_LIMIT_SIGN_INS, default 10). */
export function signInLimiter(): RateLimiter {
  globalForLimits.signInLimiter ??= createRateLimiter({ limit: limitFromEnv("RATE_LIMIT_SIGN_INS", 10), windowMs: 60_000 });
  return globalForLimits.signInLimiter;
}

/** Rotations per operator and minute (RATE_LIMIT_ROTATIONS, default 20). */
export function rotationLimiter(): RateLimiter {
  globalForLimits.rotationLimiter ??= createRateLimiter({ limit: limitFromEnv("RATE_LIMIT_ROTATIONS", 20), windowMs: 60_000 });
  return globalForLimits.rotationLimiter;
}
