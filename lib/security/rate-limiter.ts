/**
 * A sliding-window limit per client, held in this instance's memory. Behind a load
 * balancer each instance counts on its own, so the effective limit is N × instances:
 * a shared store would be needed to make it exact, and the faucet limits too.
 */
export type RateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export function createRateLimiter({ limit, windowMs, now = Date.now }: { limit: number; windowMs: number; now?: () => number }) {
  const hits = new Map<string, number[]>();

  return {
    take(client: string): RateLimitVerdict {
      const at = now();
      const recent = (hits.get(client) ?? []).filter((time) => time > at - windowMs);
      if (recent.length >= limit) {
        hits.set(client, recent);
        const oldest = recent[0] ?? at;
        return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((oldest + windowMs - at) / 1000)) };
      }
      recent.push(at);
      hits.set(client, recent);
      // Keep memory bounded under a flood of distinct clients.
      if (hits.size > 10_000) {
        for (const [key, times] of hits) if ((times.at(-1) ?? 0) <= at - windowMs) hits.delete(key);
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
