import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limiter";

describe("rate limiter", () => {
  it("allows the limit, refuses the next with a retry time, and forgets old hits", () => {
    let now = 0;
    const limiter = createRateLimiter({ limit: 3, windowMs: 60_000, now: () => now });
    expect([1, 2, 3].map(() => limiter.take("a").allowed)).toEqual([true, true, true]);
    now = 15_000;
    expect(limiter.take("a")).toEqual({ allowed: false, retryAfterSeconds: 45 });
    expect(limiter.take("b").allowed).toBe(true);
    now = 60_001;
    expect(limiter.take("a").allowed).toBe(true);
  });

  it("remembers at most 10,000 clients, forgetting the least recent", () => {
    const limiter = createRateLimiter({ limit: 1, windowMs: 60_000, now: () => 0 });
    limiter.take("first");
    for (let client = 0; client < 10_000; client++) limiter.take(`client-${client}`);
    expect(limiter.take("first").allowed).toBe(true);
    expect(limiter.take("client-9999").allowed).toBe(false);
  });
});
