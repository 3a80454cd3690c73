import { afterAll, afterEach, describe, expect, inject, it, vi } from "vitest";
import { testStores } from "@/e2e/support/test-stores";
import { migrateStore } from "@/lib/store/migrate";
import type { Store } from "@/lib/store/store";
import { isStoreUnavailableError } from "@/lib/store/store-unavailable-error";
import { createRateLimiter, signInKeyFingerprint, takeSignInAttempt } from "./rate-limiter";
import { createStoreMarks, createStoreRateLimiter } from "./store-rate-limiter";

const engines = [
  { engine: "pglite", stores: testStores("pglite") },
  { engine: "postgres", stores: testStores("postgres", inject("storeDatabaseUrl")) },
] as const;

afterAll(async () => {
  await Promise.all(engines.map(({ stores }) => stores.cleanup()));
});

afterEach(() => {
  vi.useRealTimers();
});

/**
 * Moves the clock `ms` ahead instead of sleeping: windows and marks expire by Date.now(),
 * which rate-limiter-flexible reads for every take and stores as the row's expiry (the SQL
 * compares against the value it is handed). Only Date is faked: the drivers' timers run.
 */
function passTime(ms: number): void {
  if (!vi.isFakeTimers()) vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  vi.setSystemTime(Date.now() + ms);
}

describe.each(engines)("the store rate limiter on $engine", ({ stores }) => {
  let store: Store;
  const migrated = async () => {
    if (!store) {
      store = await stores.open();
      await migrateStore(store);
    }
    return store;
  };

  it("allows `points` takes per client and window, then refuses with the seconds left", async () => {
    const limiter = createStoreRateLimiter({ keyPrefix: "counts", points: 3, durationSeconds: 60, store: migrated });
    expect(await limiter.take("10.0.0.1")).toEqual({ allowed: true });
    expect(await limiter.take("10.0.0.1")).toEqual({ allowed: true });
    expect(await limiter.take("10.0.0.1")).toEqual({ allowed: true });
    const refused = await limiter.take("10.0.0.1");
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.retryAfterSeconds).toBeGreaterThan(55);
      expect(refused.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
    // Another client, and the same client under another limit, count on their own.
    expect(await limiter.take("10.0.0.2")).toEqual({ allowed: true });
    const other = createStoreRateLimiter({ keyPrefix: "other-limit", points: 1, durationSeconds: 60, store: migrated });
    expect(await other.take("10.0.0.1")).toEqual({ allowed: true });
  });

  it("allows the client again once its window has passed", async () => {
    const limiter = createStoreRateLimiter({ keyPrefix: "window", points: 1, durationSeconds: 1, store: migrated });
    expect(await limiter.take("c")).toEqual({ allowed: true });
    expect(await limiter.take("c")).toEqual({ allowed: false, retryAfterSeconds: 1 });
    passTime(1_100);
    expect(await limiter.take("c")).toEqual({ allowed: true });
  });

  it("counts a client id too long for the key column under its hash", async () => {
    const limiter = createStoreRateLimiter({ keyPrefix: "long", points: 1, durationSeconds: 60, store: migrated });
    const long = "x".repeat(1_000);
    expect(await limiter.take(long)).toEqual({ allowed: true });
    expect((await limiter.take(long)).allowed).toBe(false);
    expect(await limiter.take(`${long}y`)).toEqual({ allowed: true });
  });

  it("counts in the store: a limiter over a reopened store remembers the count", async () => {
    const options = await stores.freshOptions();
    const first = await stores.open(options);
    await migrateStore(first);
    const limit = { keyPrefix: "persisted", points: 2, durationSeconds: 60 };
    await createStoreRateLimiter({ ...limit, store: async () => first }).take("c");
    await first.close();
    const reopened = await stores.open(options);
    const limiter = createStoreRateLimiter({ ...limit, store: async () => reopened });
    expect(await limiter.take("c")).toEqual({ allowed: true });
    expect((await limiter.take("c")).allowed).toBe(false);
  });
});

describe.each(engines)("known sign-in keys and the per-instance backstop on $engine", ({ stores }) => {
  const real = signInKeyFingerprint("lf_real_operator_key_0123456789abcdef");
  /** One console instance over a store: the store's limits, a fresh in-memory backstop (5 a minute unless told). */
  const instance = (store: Store, backstop = 5) => {
    const inStore = async () => store;
    return {
      limiters: {
        perClient: createStoreRateLimiter({ keyPrefix: "sign-ins", points: 10, durationSeconds: 60, store: inStore }),
        perKey: createStoreRateLimiter({ keyPrefix: "sign-in-keys", points: 10, durationSeconds: 60, store: inStore }),
        perInstance: createRateLimiter({ limit: backstop, windowMs: 60_000 }),
        knownKeys: createStoreMarks({
          keyPrefix: "sign-in-known-keys",
          keepSeconds: 90 * 24 * 60 * 60,
          store: inStore,
        }),
      },
    };
  };
  const tryKey = (key: string, client: string) => ({
    client,
    keyFingerprint: key.startsWith("key:") ? key : signInKeyFingerprint(key),
  });

  it("lets a key that signed in before through a backstop that junk from many addresses used up, after a restart", async () => {
    const options = await stores.freshOptions();
    const first = await stores.open(options);
    await migrateStore(first);
    await instance(first).limiters.knownKeys.mark(real);
    await first.close();

    // A restarted instance: nothing of the first one's memory survives, only the store.
    const store = await stores.open(options);
    const { limiters } = instance(store);
    for (let index = 0; index < 50; index++)
      await takeSignInAttempt(tryKey(`lf_junk_${index}`, `203.0.113.${index}`), limiters);
    // The backstop is used up: an unknown key from a fresh address is refused by it...
    expect(await takeSignInAttempt(tryKey("lf_never_seen", "192.0.2.50"), limiters)).toEqual({
      allowed: false,
      retryAfterSeconds: 60,
    });
    // ...and the real operator's key is not.
    expect(await takeSignInAttempt(tryKey(real, "192.0.2.7"), limiters)).toEqual({ allowed: true });
    await store.close();
  });

  it("still holds the per-address and per-key limits for a known key", async () => {
    const options = await stores.freshOptions();
    const store = await stores.open(options);
    await migrateStore(store);
    const { limiters } = instance(store, 100);
    await limiters.knownKeys.mark(real);
    // One address: 10 attempts a minute, whatever keys it tries; then even the real key is refused from it.
    for (let index = 0; index < 10; index++)
      expect((await takeSignInAttempt(tryKey(`lf_guess_${index}`, "198.51.100.1"), limiters)).allowed).toBe(true);
    expect((await takeSignInAttempt(tryKey(real, "198.51.100.1"), limiters)).allowed).toBe(false);
    // One key: 10 attempts a minute from all addresses together, known or not.
    for (let index = 0; index < 10; index++)
      expect((await takeSignInAttempt(tryKey(real, `198.51.100.${10 + index}`), limiters)).allowed).toBe(true);
    expect((await takeSignInAttempt(tryKey(real, "198.51.100.99"), limiters)).allowed).toBe(false);
    await store.close();
  });

  it("forgets a mark once it expires, and stores only the fingerprint", async () => {
    const store = await stores.open(await stores.freshOptions());
    await migrateStore(store);
    const marks = createStoreMarks({ keyPrefix: "short-marks", keepSeconds: 1, store: async () => store });
    expect(await marks.has(real)).toBe(false);
    await marks.mark(real);
    expect(await marks.has(real)).toBe(true);
    expect(await marks.has(signInKeyFingerprint("lf_other"))).toBe(false);
    const select = "SELECT key FROM rate_limits WHERE key LIKE 'short-marks:%'";
    const { rows } =
      store.engine === "pglite"
        ? await store.client.query<{ key: string }>(select)
        : await store.client.query<{ key: string }>(select);
    expect(rows.map((row) => row.key)).toEqual([`short-marks:${real}`]);
    passTime(1_100);
    expect(await marks.has(real)).toBe(false);
    await store.close();
  });
});

describe("the store rate limiter on PostgreSQL with several instances", () => {
  const { stores } = engines[1];

  it("shares one count between two instances on the same database", async () => {
    const options = await stores.freshOptions();
    const [a, b] = await Promise.all([stores.open(options), stores.open(options)]);
    await Promise.all([migrateStore(a), migrateStore(b)]);
    const limit = { keyPrefix: "sign-in", points: 4, durationSeconds: 60 };
    const onA = createStoreRateLimiter({ ...limit, store: async () => a });
    const onB = createStoreRateLimiter({ ...limit, store: async () => b });
    // Concurrent takes from both instances: the database serialises them, none is lost.
    const verdicts = await Promise.all([
      onA.take("c"),
      onB.take("c"),
      onA.take("c"),
      onB.take("c"),
      onA.take("c"),
      onB.take("c"),
    ]);
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(4);
    expect((await onB.take("c")).allowed).toBe(false);
  });

  it("knows a key marked on one instance on the other", async () => {
    const options = await stores.freshOptions();
    const [a, b] = await Promise.all([stores.open(options), stores.open(options)]);
    await Promise.all([migrateStore(a), migrateStore(b)]);
    const marks = { keyPrefix: "sign-in-known-keys", keepSeconds: 60 };
    const fingerprint = signInKeyFingerprint("lf_marked_on_a");
    await createStoreMarks({ ...marks, store: async () => a }).mark(fingerprint);
    expect(await createStoreMarks({ ...marks, store: async () => b }).has(fingerprint)).toBe(true);
  });

  it("refuses with StoreUnavailableError, not a verdict, when the store cannot be opened", async () => {
    const limiter = createStoreRateLimiter({
      keyPrefix: "down",
      points: 1,
      durationSeconds: 60,
      store: () =>
        Promise.reject(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })),
    });
    const failure = await limiter.take("c").catch((error: unknown) => error);
    expect(isStoreUnavailableError(failure)).toBe(true);
  });
});
