import { describe, expect, it } from "vitest";
import { createRateLimiter, takeSignInAttempt } from "./rate-limiter";

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

describe("sign-in limits", () => {
  it("stops every client together at the per-instance limit, however many addresses they claim", async () => {
    const limiters = { perClient: createRateLimiter({ limit: 10, windowMs: 60_000, now: () => 0 }), perInstance: createRateLimiter({ limit: 5, windowMs: 60_000, now: () => 0 }) };
    const verdicts = [];
    for (let index = 0; index < 6; index++) verdicts.push(await takeSignInAttempt(`198.51.100.${index}`, limiters));
    expect(verdicts.slice(0, 5).every((verdict) => verdict.allowed)).toBe(true);
    expect(verdicts[5]).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it("refuses a client over its own limit without spending the shared budget", async () => {
    const limiters = { perClient: createRateLimiter({ limit: 1, windowMs: 60_000, now: () => 0 }), perInstance: createRateLimiter({ limit: 3, windowMs: 60_000, now: () => 0 }) };
    expect((await takeSignInAttempt("a", limiters)).allowed).toBe(true);
    for (let attempt = 0; attempt < 5; attempt++) expect((await takeSignInAttempt("a", limiters)).allowed).toBe(false);
    expect((await takeSignInAttempt("b", limiters)).allowed).toBe(true);
    expect((await takeSignInAttempt("c", limiters)).allowed).toBe(true);
    expect((await takeSignInAttempt("d", limiters)).allowed).toBe(false);
  });
});
