import { describe, expect, it } from "vitest";
import { createRateLimiter, signInKeyFingerprint, takeSignInAttempt } from "./rate-limiter";

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
  const limiter = (limit: number) => createRateLimiter({ limit, windowMs: 60_000, now: () => 0 });
  const attempt = (client: string, key = `junk-${client}`) => ({ client, keyFingerprint: signInKeyFingerprint(key) });
  const noKnownKeys = new Set<string>();

  it("stops every client together at the per-instance limit, however many addresses they claim", async () => {
    const limiters = { perClient: limiter(10), perKey: limiter(10), perInstance: limiter(5), knownKeys: noKnownKeys };
    const verdicts = [];
    for (let index = 0; index < 6; index++)
      verdicts.push(await takeSignInAttempt(attempt(`198.51.100.${index}`), limiters));
    expect(verdicts.slice(0, 5).every((verdict) => verdict.allowed)).toBe(true);
    expect(verdicts[5]).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it("refuses a client over its own limit without spending the shared budget", async () => {
    const limiters = { perClient: limiter(1), perKey: limiter(10), perInstance: limiter(3), knownKeys: noKnownKeys };
    expect((await takeSignInAttempt(attempt("a"), limiters)).allowed).toBe(true);
    for (let index = 0; index < 5; index++)
      expect((await takeSignInAttempt(attempt("a"), limiters)).allowed).toBe(false);
    expect((await takeSignInAttempt(attempt("b"), limiters)).allowed).toBe(true);
    expect((await takeSignInAttempt(attempt("c"), limiters)).allowed).toBe(true);
    expect((await takeSignInAttempt(attempt("d"), limiters)).allowed).toBe(false);
  });

  it("counts junk keys against their own budgets and their address, never against a real key", async () => {
    const limiters = { perClient: limiter(10), perKey: limiter(2), perInstance: limiter(100), knownKeys: noKnownKeys };
    // Many addresses each trying junk; one of them hammers a single junk key.
    for (let index = 0; index < 5; index++) await takeSignInAttempt(attempt("203.0.113.1", "lf_junk"), limiters);
    expect((await takeSignInAttempt(attempt("203.0.113.2", "lf_junk"), limiters)).allowed).toBe(false);
    for (let index = 0; index < 20; index++)
      await takeSignInAttempt(attempt(`203.0.113.${10 + index}`, `lf_junk_${index}`), limiters);
    expect((await takeSignInAttempt(attempt("192.0.2.7", "lf_real"), limiters)).allowed).toBe(true);
  });

  it("never refuses a key known to have signed in by the per-instance backstop, nor counts it there", async () => {
    const limiters = {
      perClient: limiter(10),
      perKey: limiter(10),
      perInstance: limiter(3),
      knownKeys: new Set([signInKeyFingerprint("lf_real")]),
    };
    for (let index = 0; index < 3; index++) await takeSignInAttempt(attempt(`203.0.113.${index}`), limiters);
    expect((await takeSignInAttempt(attempt("192.0.2.7", "lf_new"), limiters)).allowed).toBe(false);
    expect((await takeSignInAttempt(attempt("192.0.2.7", "lf_real"), limiters)).allowed).toBe(true);
    // Still held by its own per-key limit: 10 a minute in all.
    for (let index = 0; index < 9; index++)
      expect((await takeSignInAttempt(attempt(`192.0.2.${20 + index}`, "lf_real"), limiters)).allowed).toBe(true);
    expect((await takeSignInAttempt(attempt("192.0.2.99", "lf_real"), limiters)).allowed).toBe(false);
  });

  it("counts a key under a hash: the key itself is never a limiter's name", () => {
    const key = "lf_0123456789abcdef0123456789abcdef";
    expect(signInKeyFingerprint(key)).toMatch(/^key:[A-Za-z0-9_-]{43}$/);
    expect(signInKeyFingerprint(key)).not.toContain("0123456789abcdef");
    expect(signInKeyFingerprint(key)).not.toBe(signInKeyFingerprint(`${key}0`));
  });
});
