import { afterAll, describe, expect, inject, it } from "vitest";
import { testStores } from "@/e2e/support/test-stores";
import { migrateStore } from "@/lib/store/migrate";
import type { Store } from "@/lib/store/store";
import { isStoreUnavailableError } from "@/lib/store/store-unavailable-error";
import { createStoreRateLimiter } from "./store-rate-limiter";

const engines = [
  { engine: "pglite", stores: testStores("pglite") },
  { engine: "postgres", stores: testStores("postgres", inject("storeDatabaseUrl")) },
] as const;

afterAll(async () => {
  await Promise.all(engines.map(({ stores }) => stores.cleanup()));
});

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
    await new Promise((resolve) => setTimeout(resolve, 1_100));
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
    const verdicts = await Promise.all([onA.take("c"), onB.take("c"), onA.take("c"), onB.take("c"), onA.take("c"), onB.take("c")]);
    expect(verdicts.filter((verdict) => verdict.allowed)).toHaveLength(4);
    expect((await onB.take("c")).allowed).toBe(false);
  });

  it("refuses with StoreUnavailableError, not a verdict, when the store cannot be opened", async () => {
    const limiter = createStoreRateLimiter({
      keyPrefix: "down",
      points: 1,
      durationSeconds: 60,
      store: () => Promise.reject(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })),
    });
    const failure = await limiter.take("c").catch((error: unknown) => error);
    expect(isStoreUnavailableError(failure)).toBe(true);
  });
});
