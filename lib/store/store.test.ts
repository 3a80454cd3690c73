import { readFileSync } from "node:fs";
import path from "node:path";
import { count, eq, sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { afterEach, describe, expect, inject, it } from "vitest";
import { testStores } from "@/e2e/support/test-stores";
import { MIGRATION_LOCK_KEY, MIGRATIONS_FOLDER, migrateStore } from "./migrate";
import { sessions } from "./schema";
import type { Store } from "./store";

const engines = [
  { engine: "pglite", stores: testStores("pglite") },
  { engine: "postgres", stores: testStores("postgres", inject("storeDatabaseUrl")) },
] as const;

afterEach(async () => {
  await Promise.all(engines.map(({ stores }) => stores.cleanup()));
});

/** Every checked-in migration, as drizzle-kit's journal lists them. */
const MIGRATION_COUNT = (
  JSON.parse(readFileSync(path.join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: unknown[] }
).entries.length;

function aSession(id: string) {
  const now = new Date("2026-01-02T03:04:05.678Z");
  return { id, operatorId: 7, operatorName: "Ada", operatorKeyTail: "lf_ab…wxyz", createdAt: now, lastSeenAt: now };
}

async function appliedMigrations(store: Store): Promise<number> {
  const result = await store.db.execute<{ applied: number }>(
    sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
  );
  return result.rows[0]?.applied ?? -1;
}

describe.each(engines)("the store on $engine", ({ engine, stores }) => {
  it("reports its engine and creates the schema's tables when migrated", async () => {
    const store = await stores.open();
    expect(store.engine).toBe(engine);
    await migrateStore(store);
    const tables = await store.db.execute<{ name: string }>(
      sql`select table_name as name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.rows.map((row) => row.name)).toEqual([
      "agent_hosts",
      "audit_chains",
      "audit_events",
      "bulk_runs",
      "handoffs",
      "host_enrolments",
      "host_envelopes",
      "host_request_nonces",
      "key_rotations",
      "policy_armings",
      "policy_runs",
      "rate_limits",
      "rotation_policies",
      "sessions",
    ]);
  });

  it("migrates idempotently: a second run applies nothing and keeps the data", async () => {
    const store = await stores.open();
    await migrateStore(store);
    await store.db.insert(sessions).values(aSession("kept"));
    await migrateStore(store);
    expect(await appliedMigrations(store)).toBe(MIGRATION_COUNT);
    expect(await store.db.select({ id: sessions.id }).from(sessions)).toEqual([{ id: "kept" }]);
  });

  it("round-trips a row with the same query code on either engine", async () => {
    const store = await stores.open();
    await migrateStore(store);
    await store.db.insert(sessions).values(aSession("s1"));
    const [row] = await store.db.select().from(sessions).where(eq(sessions.id, "s1"));
    expect(row).toMatchObject({
      id: "s1",
      operatorId: 7,
      sealedOperatorKey: null,
      createdAt: new Date("2026-01-02T03:04:05.678Z"),
    });
  });

  it("commits a transaction, and rolls one back entirely when it throws", async () => {
    const store = await stores.open();
    await migrateStore(store);
    await store.db.transaction(async (tx) => {
      await tx.insert(sessions).values(aSession("committed"));
    });
    await expect(
      store.db.transaction(async (tx) => {
        await tx.insert(sessions).values(aSession("first-half"));
        await tx.update(sessions).set({ operatorName: "changed" }).where(eq(sessions.id, "committed"));
        throw new Error("fails half-way");
      }),
    ).rejects.toThrow("fails half-way");
    expect(await store.db.select({ id: sessions.id, name: sessions.operatorName }).from(sessions)).toEqual([
      { id: "committed", name: "Ada" },
    ]);
  });
});

describe("the store on PostgreSQL, several instances", () => {
  const { stores } = engines[1];

  it("lets instances that start at once all migrate, applying each migration once", async () => {
    const options = await stores.freshOptions();
    const instances = await Promise.all([stores.open(options), stores.open(options), stores.open(options)]);
    await Promise.all(instances.map((store) => migrateStore(store)));
    for (const store of instances) expect(await appliedMigrations(store)).toBe(MIGRATION_COUNT);
    const [first] = instances;
    expect(await first?.db.select({ n: count() }).from(sessions)).toEqual([{ n: 0 }]);
  });

  it("waits while another instance holds the migration lock, then finds its work to do", async () => {
    const options = await stores.freshOptions();
    const [holder, starting] = await Promise.all([stores.open(options), stores.open(options)]);
    if (holder.engine !== "postgres") throw new Error("expected PostgreSQL");
    const lockConnection = await holder.client.connect();
    try {
      const locking = drizzle({ client: lockConnection });
      await locking.execute(sql`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
      let settled = false;
      const migrating = migrateStore(starting).finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(settled).toBe(false);
      const before = await holder.db.execute<{ table: string | null }>(
        sql`select to_regclass('drizzle.__drizzle_migrations')::text as table`,
      );
      expect(before.rows).toEqual([{ table: null }]);
      await locking.execute(sql`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
      await migrating;
      expect(await appliedMigrations(holder)).toBe(MIGRATION_COUNT);
    } finally {
      lockConnection.release();
    }
  });

  it("shows one instance's writes to another: they share the database", async () => {
    const options = await stores.freshOptions();
    const a = await stores.open(options);
    const b = await stores.open(options);
    await migrateStore(a);
    await migrateStore(b);
    await a.db.insert(sessions).values(aSession("from-a"));
    expect(await b.db.select({ id: sessions.id }).from(sessions)).toEqual([{ id: "from-a" }]);
  });
});
