import type { RateLimitInfo } from "./actions/define";

/**
 * A fixed one-minute window per key, matching the contract's `requests_per_minute`.
 * Counting is always on (get_rate_limits reports real numbers); refusing is opt-in,
 * because the console's tests and benchmarks would otherwise trip over it.
 */

export const REQUESTS_PER_MINUTE = 60;
const WINDOW_MS = 60_000;
const PRUNE_THRESHOLD = 10_000;

export type FaucetRateLimiter = { hit(keyHash: string, now: number): RateLimitInfo & { limited: boolean } };

export function createFaucetRateLimiter(): FaucetRateLimiter {
  const windows = new Map<string, { start: number; count: number }>();

  function prune(now: number): void {
    for (const [key, window] of windows) if (now - window.start >= WINDOW_MS) windows.delete(key);
  }

  return {
    hit(keyHash, now) {
      let window = windows.get(keyHash);
      if (!window || now - window.start >= WINDOW_MS) {
        if (windows.size >= PRUNE_THRESHOLD) prune(now);
        window = { start: now, count: 0 };
        windows.set(keyHash, window);
      }
      window.count += 1;
      return {
        limit: REQUESTS_PER_MINUTE,
        remaining: Math.max(0, REQUESTS_PER_MINUTE - window.count),
        resetAt: window.start + WINDOW_MS,
        limited: window.count > REQUESTS_PER_MINUTE,
      };
    },
  };
}
