import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { testStores, type TestStores } from "@/e2e/support/test-stores";
import { migrateStore } from "@/lib/store/migrate";
import { auditEvents } from "@/lib/store/schema";
import type { Store } from "@/lib/store/store";
import { appendAuditRow, type NewAuditRow } from "./audit-chain";
import { auditRowHash } from "./audit-hash";
import { pruneAuditLog } from "./audit-retention";
import { chainOf } from "./audit-vocabulary";
import { describeChainProblem, verifyAuditChains } from "./verify-audit-chains";

function event(operatorId: number | null, overrides: Partial<NewAuditRow> = {}): NewAuditRow {
  return {
    id: randomUUID(),
    chain: chainOf(operatorId),
    at: new Date(),
    operatorId,
    action: "rotate_agent_key",
    target: "agent:7",
    outcome: "ok",
    refusal: null,
    keyFingerprint: "agent_…9f3a",
    sessionLabel: "aaaa1111",
    clientAddress: "127.0.0.1",
    userAgent: "test",
    instanceId: "test",
    batchId: null,
    completes: null,
    ...overrides,
  };
}

describe.each(["pglite", "postgres"] as const)("the audit chain on %s", (engine) => {
  let stores: TestStores;
  let store: Store;
  let operatorCounter = 1;
  beforeAll(async () => {
    stores = testStores(engine, inject("storeDatabaseUrl"));
    store = await stores.open();
    await migrateStore(store);
  });
  afterAll(() => stores.cleanup());

  async function chainOfTen(operatorId = operatorCounter++) {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const row = await appendAuditRow(store.db, event(operatorId));
      ids.push(row?.id ?? "");
    }
    return { operatorId, ids };
  }

  async function expectDamage(damage: string, id: string | null, position: number) {
    const report = await verifyAuditChains(store.db);
    expect(report.ok).toBe(false);
    if (report.ok) return;
    expect(report.problem).toMatchObject({ damage, eventId: id, position });
    expect(describeChainProblem(report.problem)).toContain(`was ${damage}`);
  }

  async function fresh() {
    await store.db.execute(sql`truncate audit_events, audit_chains`);
  }

  it("links each operator's events in order, across concurrent writers, and verifies clean", async () => {
    await fresh();
    // A second connection (on PostgreSQL, a second pool: another instance) appends to the same chains.
    const other = engine === "postgres" ? await stores.open({ databaseUrl: (store.client as { options: { connectionString: string } }).options.connectionString }) : store;
    const writes = Array.from({ length: 60 }, (_, i) => appendAuditRow((i % 2 ? other : store).db, event(i % 3 === 0 ? null : 1 + (i % 2))));
    await Promise.all(writes);
    const positions = await store.db.execute<{ chain: string; n: number; top: number }>(sql`select chain, count(*)::int as n, max(position)::int as top from audit_events group by chain order by chain`);
    expect(positions.rows).toEqual([
      { chain: "anonymous", n: 20, top: 20 },
      { chain: "operator:1", n: 20, top: 20 },
      { chain: "operator:2", n: 20, top: 20 },
    ]);
    expect(await verifyAuditChains(store.db)).toEqual({ ok: true, chains: 3, events: 60 });
  });

  it("accepts one completion per pending event and refuses a second", async () => {
    await fresh();
    const pending = await appendAuditRow(store.db, event(5, { outcome: "pending", keyFingerprint: null }));
    expect(await appendAuditRow(store.db, event(5, { completes: pending?.id ?? null }))).not.toBeNull();
    expect(await appendAuditRow(store.db, event(5, { completes: pending?.id ?? null, outcome: "refused" }))).toBeNull();
    expect(await verifyAuditChains(store.db)).toMatchObject({ ok: true, events: 2 });
  });

  it("names an edited event", async () => {
    await fresh();
    const { ids } = await chainOfTen();
    await store.db.execute(sql`update audit_events set outcome = 'refused' where id = ${ids[4]}`);
    await expectDamage("edited", ids[4] ?? "", 5);
  });

  it("names an event rewritten with a recomputed hash, by the next event's link", async () => {
    await fresh();
    const { ids } = await chainOfTen();
    const [row] = await store.db.select().from(auditEvents).where(eq(auditEvents.id, ids[2] ?? ""));
    if (!row) throw new Error("no row");
    const forged = { ...row, outcome: "refused" };
    await store.db.update(auditEvents).set({ outcome: "refused", hash: auditRowHash(forged) }).where(eq(auditEvents.id, row.id));
    // The row hashes right on its own; the next event still holds its old hash.
    await expectDamage("edited", ids[2] ?? "", 3);
  });

  it("names a deleted event's position and the event after the gap", async () => {
    await fresh();
    const { ids } = await chainOfTen();
    await store.db.execute(sql`delete from audit_events where id = ${ids[6]}`);
    await expectDamage("deleted", ids[7] ?? "", 7);
  });

  it("notices the chain's last event deleted", async () => {
    await fresh();
    const { ids } = await chainOfTen();
    await store.db.execute(sql`delete from audit_events where id = ${ids[9]}`);
    await expectDamage("deleted", null, 10);
  });

  it("names events swapped in position as reordered", async () => {
    await fresh();
    const { ids } = await chainOfTen();
    await store.db.execute(sql`update audit_events set position = -1 where id = ${ids[3]}`);
    await store.db.execute(sql`update audit_events set position = 4 where id = ${ids[4]}`);
    await store.db.execute(sql`update audit_events set position = 5 where id = ${ids[3]}`);
    await expectDamage("reordered", ids[4] ?? "", 4);
  });

  it("names events swapped in listing order as reordered", async () => {
    await fresh();
    const { ids } = await chainOfTen();
    await store.db.execute(sql`update audit_events set seq = -seq where id = ${ids[5]}`);
    await expectDamage("reordered", ids[5] ?? "", 6);
  });

  it("prunes old events and records where the retained chain begins, so verify stays clean and appends go on", async () => {
    await fresh();
    const old = new Date(Date.now() - 400 * 86_400_000);
    for (let i = 0; i < 6; i++) await appendAuditRow(store.db, event(9, { at: old }));
    for (let i = 0; i < 3; i++) await appendAuditRow(store.db, event(9));
    expect(await pruneAuditLog(store.db, new Date(Date.now() - 365 * 86_400_000))).toBe(6);
    expect(await verifyAuditChains(store.db)).toEqual({ ok: true, chains: 1, events: 3 });
    const appended = await appendAuditRow(store.db, event(9));
    expect(appended?.position).toBe(10);
    expect(await verifyAuditChains(store.db)).toEqual({ ok: true, chains: 1, events: 4 });
    // The first retained event removed after pruning is still a deletion.
    await store.db.execute(sql`delete from audit_events where position = 7 and chain = 'operator:9'`);
    await expectDamage("deleted", expect.any(String) as unknown as string, 7);
  });
});
