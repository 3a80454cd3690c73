import { randomUUID } from "node:crypto";
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { asc, eq, gte, and, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { testStores, type TestStores } from "@/e2e/support/test-stores";
import { migrateStore } from "@/lib/store/migrate";
import { auditChains, auditEvents } from "@/lib/store/schema";
import type { Store } from "@/lib/store/store";
import { appendAuditRow, type NewAuditRow } from "./audit-chain";
import { CheckpointWriter, readCheckpointFiles } from "./audit-checkpoints";
import { GENESIS_HASH, unkeyedAuditRowHash } from "./audit-hash";
import { auditKeyFromSecret, type AuditKeyring } from "./audit-keys";
import { pruneAuditLog } from "./audit-retention";
import { chainOf } from "./audit-vocabulary";
import { describeChainProblem, verifyAuditChains, type VerifyOptions } from "./verify-audit-chains";

const KEY = auditKeyFromSecret("audit-1", "verify-audit-chains-test-key-0123456789abcdef");
const KEYRING: AuditKeyring = { current: KEY, byId: new Map([[KEY.id, KEY]]) };
const DAY_MS = 86_400_000;

function event(operatorId: number | null, overrides: Partial<NewAuditRow> = {}): NewAuditRow {
  return {
    id: randomUUID(),
    chain: chainOf(operatorId),
    at: new Date(),
    operatorId,
    action: "rotate_agent_key",
    target: "agent:7",
    agentName: null,
    outcome: "ok",
    refusal: null,
    keyLabel: "agent_…9f3a",
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
  let checkpointDir: string;
  let checkpointFile: string;
  beforeAll(async () => {
    stores = testStores(engine, inject("storeDatabaseUrl"));
    store = await stores.open();
    await migrateStore(store);
    checkpointDir = mkdtempSync("/tmp/audit-checkpoints-test-");
  });
  afterAll(async () => {
    rmSync(checkpointDir, { recursive: true, force: true });
    await stores.cleanup();
  });

  const append = (row: NewAuditRow, db = store.db) => appendAuditRow(db, row, KEY);

  async function chainOfTen(operatorId = operatorCounter++, overrides: Partial<NewAuditRow> = {}) {
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const row = await append(event(operatorId, overrides));
      ids.push(row?.id ?? "");
    }
    return { operatorId, chain: chainOf(operatorId), ids };
  }

  /** A checkpoint as the console writes it, to this test's own file. */
  const checkpoint = (file = checkpointFile, instance = "test-instance") =>
    new CheckpointWriter(file, instance, KEY).write(store.db);

  async function verify(options: Partial<VerifyOptions> & { files?: string[] } = {}) {
    const files = (options.files ?? [checkpointFile]).filter((file) => existsSync(file));
    return verifyAuditChains(store.db, {
      keyring: KEYRING,
      retentionDays: 365,
      checkpoints: await readCheckpointFiles(files, KEYRING),
      ...options,
    });
  }

  async function expectDamage(damage: string, id: string | null, position: number, chain?: string) {
    const report = await verify();
    expect(report.ok).toBe(false);
    if (report.ok) return report;
    expect(report.problem).toMatchObject({ damage, eventId: id, position, ...(chain ? { chain } : {}) });
    expect(describeChainProblem(report.problem)).toContain(`was ${damage}`);
    if (chain) expect(describeChainProblem(report.problem)).toContain(`(chain ${chain}, position ${position})`);
    return report;
  }

  async function fresh() {
    await store.db.execute(sql`truncate audit_events, audit_chains`);
    checkpointFile = path.join(checkpointDir, `${randomUUID()}.jsonl`);
  }

  /** What an attacker with the database but not the key can do: recompute a chain's hashes from `from` with plain SHA-256, and move its head. */
  async function rehashWithoutKey(chain: string, from: number, { keepKeyId }: { keepKeyId: boolean }) {
    const rows = await store.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), gte(auditEvents.position, from - 1)))
      .orderBy(asc(auditEvents.position));
    let prevHash = rows[0]?.position === from - 1 ? rows[0].hash : GENESIS_HASH;
    for (const row of rows.filter((r) => r.position >= from)) {
      const hash = unkeyedAuditRowHash({ ...row, prevHash });
      await store.db
        .update(auditEvents)
        .set({ prevHash, hash, keyId: keepKeyId ? row.keyId : null })
        .where(eq(auditEvents.id, row.id));
      prevHash = hash;
    }
    await store.db.update(auditChains).set({ headHash: prevHash }).where(eq(auditChains.chain, chain));
  }

  it("links each operator's events in order, across concurrent writers, and verifies clean", async () => {
    await fresh();
    // A second connection (on PostgreSQL, a second pool: another instance) appends to the same chains.
    const other =
      engine === "postgres"
        ? await stores.open({
            databaseUrl: (store.client as { options: { connectionString: string } }).options.connectionString,
          })
        : store;
    const writes = Array.from({ length: 60 }, (_, i) =>
      append(event(i % 3 === 0 ? null : 1 + (i % 2)), (i % 2 ? other : store).db),
    );
    await Promise.all(writes);
    const positions = await store.db.execute<{ chain: string; n: number; top: number }>(
      sql`select chain, count(*)::int as n, max(position)::int as top from audit_events group by chain order by chain`,
    );
    expect(positions.rows).toEqual([
      { chain: "anonymous", n: 20, top: 20 },
      { chain: "operator:1", n: 20, top: 20 },
      { chain: "operator:2", n: 20, top: 20 },
    ]);
    await checkpoint();
    expect(await verify()).toEqual({ ok: true, chains: 3, events: 60, unkeyed: 0, checkpoints: 1 });
  });

  it("accepts one completion per pending event and refuses a second", async () => {
    await fresh();
    const pending = await append(event(5, { outcome: "pending", keyLabel: null }));
    expect(await append(event(5, { completes: pending?.id ?? null }))).not.toBeNull();
    expect(await append(event(5, { completes: pending?.id ?? null, outcome: "refused" }))).toBeNull();
    expect(await verify({ files: [] })).toMatchObject({ ok: true, events: 2 });
  });

  it("names an edited event", async () => {
    await fresh();
    const { ids } = await chainOfTen();
    await store.db.execute(sql`update audit_events set outcome = 'refused' where id = ${ids[4]}`);
    await expectDamage("edited", ids[4] ?? "", 5);
  });

  it("names an event rewritten with a recomputed hash: without the key, its own hash gives it away", async () => {
    await fresh();
    const { ids } = await chainOfTen();
    const [row] = await store.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.id, ids[2] ?? ""));
    if (!row) throw new Error("no row");
    await store.db
      .update(auditEvents)
      .set({ outcome: "refused", hash: unkeyedAuditRowHash({ ...row, outcome: "refused" }) })
      .where(eq(auditEvents.id, row.id));
    await expectDamage("edited", ids[2] ?? "", 3);
  });

  it("verifies events recorded before agent names beside named ones; an edited, added or removed name is an edit", async () => {
    const named = (operatorId: number) => append(event(operatorId, { agentName: "Research Bot" }));
    // Rows without a name hash as every row before names did (version 2): old stores verify unchanged.
    await fresh();
    const old = await chainOfTen();
    const names: string[] = [];
    for (let i = 0; i < 3; i++) names.push((await named(old.operatorId))?.id ?? "");
    await checkpoint();
    expect(await verify()).toMatchObject({ ok: true, events: 13, unkeyed: 0 });

    await store.db.execute(sql`update audit_events set agent_name = 'Someone Else' where id = ${names[1]}`);
    await expectDamage("edited", names[1] ?? "", 12);

    await fresh();
    const added = await chainOfTen();
    await store.db.execute(sql`update audit_events set agent_name = 'Planted' where id = ${added.ids[3]}`);
    await expectDamage("edited", added.ids[3] ?? "", 4);

    await fresh();
    const removedFrom = await chainOfTen(operatorCounter++, { agentName: "Research Bot" });
    await store.db.execute(sql`update audit_events set agent_name = null where id = ${removedFrom.ids[5]}`);
    await expectDamage("edited", removedFrom.ids[5] ?? "", 6);
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

  it("prunes old events and records where the retained chain begins, signed, so verify stays clean and appends go on", async () => {
    await fresh();
    const old = new Date(Date.now() - 400 * DAY_MS);
    for (let i = 0; i < 6; i++) await append(event(9, { at: old }));
    for (let i = 0; i < 3; i++) await append(event(9));
    await checkpoint();
    expect(await pruneAuditLog(store.db, new Date(Date.now() - 365 * DAY_MS), KEY)).toBe(6);
    await checkpoint();
    expect(await verify()).toEqual({ ok: true, chains: 1, events: 3, unkeyed: 0, checkpoints: 2 });
    const appended = await append(event(9));
    expect(appended?.position).toBe(10);
    expect(await verify()).toEqual({ ok: true, chains: 1, events: 4, unkeyed: 0, checkpoints: 2 });
    // The first retained event removed after pruning is still a deletion.
    await store.db.execute(sql`delete from audit_events where position = 7 and chain = 'operator:9'`);
    await expectDamage("deleted", expect.any(String) as unknown as string, 7);
  });

  it("reports an anchor that pruned events younger than AUDIT_RETENTION_DAYS allows", async () => {
    await fresh();
    const { chain } = await chainOfTen(operatorCounter++, { at: new Date(Date.now() - 20 * DAY_MS) });
    await append(event(operatorCounter - 1));
    expect(await pruneAuditLog(store.db, new Date(Date.now() - 10 * DAY_MS), KEY)).toBe(10);
    expect(await verify({ retentionDays: 7 })).toMatchObject({ ok: true });
    const report = await verify({ retentionDays: 365 });
    expect(report).toMatchObject({ ok: false, problem: { chain, position: 1, damage: "deleted" } });
    if (!report.ok) expect(report.problem.detail).toContain("younger than AUDIT_RETENTION_DAYS (365) allows");
  });

  it("counts rows from before audit keys as unkeyed, and accepts them (with keyed rows that continue them) only when told the store is a legacy one", async () => {
    await fresh();
    const chain = chainOf(77);
    let prevHash = GENESIS_HASH;
    for (let position = 1; position <= 3; position++) {
      const row = { ...event(77), position, prevHash, keyId: null };
      const hash = unkeyedAuditRowHash(row);
      await store.db.insert(auditEvents).values({ ...row, hash });
      await store.db
        .insert(auditChains)
        .values({ chain, headPosition: position, headHash: hash })
        .onConflictDoUpdate({ target: auditChains.chain, set: { headPosition: position, headHash: hash } });
      prevHash = hash;
    }
    await append(event(77));
    await checkpoint();
    expect(await verify({ acceptUnkeyed: true })).toEqual({
      ok: true,
      chains: 1,
      events: 4,
      unkeyed: 3,
      checkpoints: 1,
    });
    // Without the opt-in an unkeyed row is what a writer without the key leaves: tampering, named at the first one.
    const refused = await verify();
    expect(refused).toMatchObject({ ok: false, unkeyed: 1, problem: { chain, position: 1, damage: "edited" } });
    if (!refused.ok) expect(refused.problem.detail).toContain("--accept-unkeyed");
    expect(await verify({ files: [] })).toMatchObject({ ok: false, problem: { chain, position: 1, damage: "edited" } });
  });

  it("an unsigned retention anchor (as an earlier version left it) is accepted only with the legacy opt-in, and only before unkeyed rows", async () => {
    await fresh();
    const chain = chainOf(78);
    let prevHash = GENESIS_HASH;
    for (let position = 1; position <= 4; position++) {
      const row = { ...event(78), position, prevHash, keyId: null };
      const hash = unkeyedAuditRowHash(row);
      await store.db.insert(auditEvents).values({ ...row, hash });
      await store.db
        .insert(auditChains)
        .values({ chain, headPosition: position, headHash: hash })
        .onConflictDoUpdate({ target: auditChains.chain, set: { headPosition: position, headHash: hash } });
      prevHash = hash;
    }
    const [second] = await store.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), eq(auditEvents.position, 2)));
    await store.db.execute(sql`delete from audit_events where chain = ${chain} and position <= 2`);
    const anchoredAt = new Date();
    await store.db
      .update(auditChains)
      .set({
        anchorPosition: 2,
        anchorHash: second?.hash ?? "",
        anchoredAt,
        anchorBefore: new Date(anchoredAt.getTime() - 365 * DAY_MS),
      })
      .where(eq(auditChains.chain, chain));
    await append(event(78));
    expect(await verify({ files: [], acceptUnkeyed: true })).toMatchObject({
      ok: true,
      chains: 1,
      events: 3,
      unkeyed: 2,
    });
    const refused = await verify({ files: [] });
    expect(refused).toMatchObject({ ok: false, problem: { chain, position: 1, damage: "deleted" } });
    if (!refused.ok) expect(refused.problem.detail).toContain("unsigned");
  });

  describe("edits made with full database access but without the audit key", () => {
    it("the last 5 events deleted and the head moved back: the checkpoint names the chain and where it was cut", async () => {
      await fresh();
      const { chain, ids } = await chainOfTen();
      await checkpoint();
      const [fifth] = await store.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.id, ids[4] ?? ""));
      await store.db.execute(sql`delete from audit_events where chain = ${chain} and position > 5`);
      await store.db
        .update(auditChains)
        .set({ headPosition: 5, headHash: fifth?.hash ?? "" })
        .where(eq(auditChains.chain, chain));
      // The store agrees with itself: only the checkpoint outside it tells.
      expect(await verify({ files: [] })).toMatchObject({ ok: true });
      const report = await expectDamage("deleted", null, 6, chain);
      if (!report.ok) expect(report.problem.detail).toContain("saw it reach 10");
    });

    it("a truncated tail (the last event deleted, the head moved back) is caught the same way", async () => {
      await fresh();
      const { chain, ids } = await chainOfTen();
      await checkpoint();
      const [ninth] = await store.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.id, ids[8] ?? ""));
      await store.db.execute(sql`delete from audit_events where id = ${ids[9]}`);
      await store.db
        .update(auditChains)
        .set({ headPosition: 9, headHash: ninth?.hash ?? "" })
        .where(eq(auditChains.chain, chain));
      await expectDamage("deleted", null, 10, chain);
    });

    it("the whole log truncated: every chain a checkpoint saw is named", async () => {
      await fresh();
      const a = await chainOfTen();
      const b = await chainOfTen();
      await checkpoint();
      await store.db.execute(sql`truncate audit_events, audit_chains`);
      const report = await verify();
      expect(report.ok).toBe(false);
      if (report.ok) return;
      expect(report.problems.map((problem) => [problem.chain, problem.position, problem.damage])).toEqual([
        [a.chain, 1, "deleted"],
        [b.chain, 1, "deleted"],
      ]);
    });

    it("an address and user agent changed and every later event re-hashed with plain SHA-256 (marked unkeyed): named at the edited event", async () => {
      await fresh();
      const { chain, ids } = await chainOfTen();
      await store.db.execute(
        sql`update audit_events set client_address = '203.0.113.9', user_agent = 'forged' where id = ${ids[3]}`,
      );
      await rehashWithoutKey(chain, 4, { keepKeyId: false });
      expect(await verifyAuditChains(store.db, { keyring: KEYRING })).toMatchObject({
        ok: false,
        problem: { chain, position: 4, eventId: ids[3], damage: "edited" },
      });
      await expectDamage("edited", ids[3] ?? "", 4, chain);
    });

    it("the same with the key id left in place: the HMAC does not match", async () => {
      await fresh();
      const { chain, ids } = await chainOfTen();
      await store.db.execute(
        sql`update audit_events set client_address = '203.0.113.9', user_agent = 'forged' where id = ${ids[3]}`,
      );
      await rehashWithoutKey(chain, 4, { keepKeyId: true });
      await expectDamage("edited", ids[3] ?? "", 4, chain);
    });

    it("the first event changed and the whole chain re-hashed as unkeyed: the checkpoint saw keyed events from position 1", async () => {
      await fresh();
      const { chain, ids } = await chainOfTen();
      await checkpoint();
      await store.db.execute(
        sql`update audit_events set client_address = '203.0.113.9', user_agent = 'forged' where id = ${ids[0]}`,
      );
      await rehashWithoutKey(chain, 1, { keepKeyId: false });
      await expectDamage("edited", ids[0] ?? "", 1, chain);
    });

    it("the whole chain re-hashed with plain SHA-256 (key_id null) and no checkpoint yet: still caught, since the console writes only keyed rows", async () => {
      await fresh();
      const { chain, ids } = await chainOfTen();
      await store.db.execute(
        sql`update audit_events set client_address = '203.0.113.9', user_agent = 'forged' where id = ${ids[0]}`,
      );
      await rehashWithoutKey(chain, 1, { keepKeyId: false });
      expect(await verifyAuditChains(store.db, { keyring: KEYRING })).toMatchObject({
        ok: false,
        problem: { chain, position: 1, eventId: ids[0], damage: "edited" },
      });
      await expectDamage("edited", ids[0] ?? "", 1, chain);
      // The legacy opt-in is exactly what such a rewrite needs: it is for a store from before audit keys, never a default.
      expect(await verify({ acceptUnkeyed: true })).toMatchObject({ ok: true, unkeyed: 10 });
    });

    it("the first 3 recent events deleted and the anchor moved as retention would: the anchor is not signed", async () => {
      await fresh();
      const { chain, ids } = await chainOfTen();
      await checkpoint();
      const [third] = await store.db
        .select()
        .from(auditEvents)
        .where(eq(auditEvents.id, ids[2] ?? ""));
      await store.db.execute(sql`delete from audit_events where chain = ${chain} and position <= 3`);
      const anchoredAt = new Date();
      await store.db
        .update(auditChains)
        .set({
          anchorPosition: 3,
          anchorHash: third?.hash ?? "",
          anchoredAt,
          anchorBefore: new Date(anchoredAt.getTime() - 365 * DAY_MS),
        })
        .where(eq(auditChains.chain, chain));
      await expectDamage("deleted", null, 1, chain);
      // Without the checkpoint as well: an unsigned anchor before keyed events is never accepted.
      const report = await verify({ files: [] });
      expect(report).toMatchObject({ ok: false, problem: { chain, position: 1, damage: "deleted" } });
      // Every event deleted and the anchor moved to the head: nothing is left to vouch for an unsigned anchor.
      await store.db.execute(sql`delete from audit_events where chain = ${chain}`);
      const [head] = await store.db.select().from(auditChains).where(eq(auditChains.chain, chain));
      await store.db
        .update(auditChains)
        .set({ anchorPosition: head?.headPosition ?? 0, anchorHash: head?.headHash ?? "" })
        .where(eq(auditChains.chain, chain));
      expect(await verify({ files: [] })).toMatchObject({
        ok: false,
        problem: { chain, position: 1, damage: "deleted" },
      });
      // A MAC and key id copied from somewhere else do not help either.
      await store.db
        .update(auditChains)
        .set({ anchorKeyId: KEY.id, anchorMac: "0".repeat(64) })
        .where(eq(auditChains.chain, chain));
      await expectDamage("deleted", null, 1, chain);
    });

    it("one operator's whole chain and its head deleted: the operator has a checkpoint but no chain", async () => {
      await fresh();
      const kept = await chainOfTen();
      const gone = await chainOfTen();
      await checkpoint();
      await store.db.execute(sql`delete from audit_events where chain = ${gone.chain}`);
      await store.db.execute(sql`delete from audit_chains where chain = ${gone.chain}`);
      expect(await verify({ files: [] })).toMatchObject({ ok: true, chains: 1 });
      const report = await expectDamage("deleted", null, 1, gone.chain);
      if (!report.ok) {
        expect(report.problems).toHaveLength(1);
        expect(report.problem.detail).toContain("the whole chain was deleted");
      }
      expect(kept.chain).not.toBe(gone.chain);
    });
  });

  describe("the checkpoint files", () => {
    it("each instance writes its own file, each line signed and linked to the one before; verify takes several files", async () => {
      await fresh();
      const fileA = checkpointFile;
      const fileB = path.join(checkpointDir, `${randomUUID()}.jsonl`);
      const { chain } = await chainOfTen();
      expect(await checkpoint(fileA, "instance-a")).not.toBeNull();
      // A new writer (a restart) writes everything again, linked to the file's last line.
      expect(await checkpoint(fileA, "instance-a")).not.toBeNull();
      await append(event(operatorCounter - 1));
      await checkpoint(fileB, "instance-b");
      expect(readFileSync(fileB, "utf8").trim().split("\n")).toHaveLength(1);
      expect(await verify({ files: [fileA, fileB] })).toMatchObject({
        ok: true,
        chains: 1,
        events: 11,
        checkpoints: 3,
      });
      // Instance B saw position 11: with its file the cut tail shows, with A's alone it cannot.
      await store.db.execute(sql`delete from audit_events where chain = ${chain} and position = 11`);
      const [tenth] = await store.db
        .select()
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, chain), eq(auditEvents.position, 10)));
      await store.db
        .update(auditChains)
        .set({ headPosition: 10, headHash: tenth?.hash ?? "" })
        .where(eq(auditChains.chain, chain));
      expect(await verify({ files: [fileA] })).toMatchObject({ ok: true });
      expect(await verify({ files: [fileA, fileB] })).toMatchObject({
        ok: false,
        problem: { chain, position: 11, damage: "deleted" },
      });
    });

    it("names a checkpoint whose signature fails, and one that was deleted from the file", async () => {
      await fresh();
      await chainOfTen();
      await checkpoint();
      await append(event(operatorCounter - 1));
      const writer = new CheckpointWriter(checkpointFile, "writer", KEY);
      await writer.write(store.db);
      await append(event(operatorCounter - 1));
      await writer.write(store.db);
      await append(event(operatorCounter - 1));
      await writer.write(store.db);
      const lines = readFileSync(checkpointFile, "utf8").trim().split("\n");
      expect(lines).toHaveLength(4);
      // The writer's first line (writer#1) is removed; a forger without the key moves the head of its last (writer#3) back.
      const forged = lines[3]?.replace(/"position":13/, '"position":12') ?? "";
      expect(forged).not.toBe(lines[3]);
      writeFileSync(checkpointFile, `${lines[0]}\n${lines[2]}\n`);
      appendFileSync(checkpointFile, `${forged}\n`);
      const report = await verify();
      expect(report.ok).toBe(false);
      if (report.ok) return;
      expect(report.problems.map((problem) => [problem.chain, problem.position, problem.damage])).toEqual([
        [`checkpoints ${checkpointFile}`, 2, "deleted"],
        [`checkpoints ${checkpointFile}`, 3, "forged"],
      ]);
      expect(report.problems.map(describeChainProblem)[1]).toContain(
        "line 3: checkpoint writer#3: its signature does not verify",
      );
      // Nothing changed since the last line: a writer that already wrote adds none.
      expect(await writer.write(store.db)).toBeNull();
    });
  });
});
