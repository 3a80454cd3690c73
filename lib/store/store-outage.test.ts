import { createServer } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPostgresCluster, type PostgresCluster } from "@/e2e/support/postgres-cluster";
import { createDatabase, testStores } from "@/e2e/support/test-stores";
import { closeStore, getStore } from "./get-store";
import { resetEnv } from "@/lib/config/env";
import { migrateStore } from "./migrate";
import { sessions } from "./schema";
import {
  asStoreError,
  isStoreUnavailableError,
  STORE_UNAVAILABLE_MESSAGE,
  toStoreUnavailableError,
} from "./store-unavailable-error";

/** Fast enough for a request to answer instead of hanging: the pool's connect timeout plus slack. */
const FAILS_WITHIN_MS = 4_000;

async function failureOf(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error("expected the store to fail");
}

// This file stops and starts PostgreSQL, so it has a cluster of its own rather than the shared one.
describe("the store when PostgreSQL goes down and comes back", () => {
  let cluster: PostgresCluster;
  let databaseUrl: string;
  const stores = testStores("postgres");

  beforeAll(async () => {
    cluster = await createPostgresCluster();
    databaseUrl = await createDatabase(cluster.url);
  });
  afterAll(async () => {
    await closeStore();
    await stores.cleanup();
    cluster?.destroy();
  });

  it("fails fast with StoreUnavailableError while it is down, and works again without being reopened", async () => {
    const store = await stores.open({ databaseUrl });
    await migrateStore(store);
    await store.db.insert(sessions).values({
      id: "before",
      operatorId: 1,
      operatorName: "Ada",
      operatorKeyTail: "f",
      createdAt: new Date(),
      lastSeenAt: new Date(),
    });

    cluster.stop();
    const { error, ms } = await failureOf(store.db.select().from(sessions));
    const mapped = toStoreUnavailableError(error);
    expect(mapped?.message).toBe(STORE_UNAVAILABLE_MESSAGE);
    expect(ms).toBeLessThan(FAILS_WITHIN_MS);

    // A write in a transaction fails as a whole: nothing of it is kept.
    const write = store.db.transaction(async (tx) => {
      await tx.update(sessions).set({ operatorName: "changed" });
    });
    expect(isStoreUnavailableError(asStoreError((await failureOf(write)).error))).toBe(true);

    cluster.start();
    expect(await store.db.select({ id: sessions.id, name: sessions.operatorName }).from(sessions)).toEqual([
      { id: "before", name: "Ada" },
    ]);
  });

  it("getStore() refuses with StoreUnavailableError while the database is down, then opens once it is back", async () => {
    const saved = process.env.DATABASE_URL;
    process.env.DATABASE_URL = databaseUrl;
    resetEnv();
    try {
      cluster.stop();
      const down = await failureOf(getStore());
      expect(isStoreUnavailableError(down.error)).toBe(true);
      expect(down.ms).toBeLessThan(FAILS_WITHIN_MS);

      cluster.start();
      // The failed attempt was not kept: these open the store anew, and share that one attempt.
      const [first, second] = await Promise.all([getStore(), getStore()]);
      expect(first).toBe(second);
      expect(first.engine).toBe("postgres");
      const result = await first.db.execute<{ one: number }>(sql`select 1 as one`);
      expect(result.rows).toEqual([{ one: 1 }]);
      expect(await getStore()).toBe(first);
    } finally {
      await closeStore();
      if (saved === undefined) delete process.env.DATABASE_URL;
      else process.env.DATABASE_URL = saved;
      resetEnv();
    }
  });

  it("fails fast against a server that accepts connections but never answers", async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    if (typeof address !== "object" || !address) throw new Error("no address");
    try {
      const store = await stores.open({ databaseUrl: `postgres://postgres@127.0.0.1:${address.port}/postgres` });
      const { error, ms } = await failureOf(store.db.select().from(sessions));
      expect(isStoreUnavailableError(asStoreError(error))).toBe(true);
      expect(ms).toBeLessThan(FAILS_WITHIN_MS);
    } finally {
      silent.close();
    }
  });
});
