import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { findPostgresBinDir } from "@/e2e/support/postgres-binaries";
import { useFreshProcessStore } from "@/e2e/support/process-store";
import { getStore } from "@/lib/store/get-store";
import { createHandoff, HandoffExistsError, lookupHandoff, redeemHandoff, revokeHandoff } from "./handoffs";

/**
 * Hand-offs on both engines: at most one per key source (the unique index, raced), and the
 * database dump canary: after hand-offs in every state, a dump of the store (PGlite: every
 * table's rows; PostgreSQL: pg_dump) holds no key and no token.
 */
const run = promisify(execFile);
const client = { address: "203.0.113.20", userAgent: "store-test" };
let counter = 0;

describe.each(["pglite", "postgres"] as const)("hand-offs on %s", (engine) => {
  let cleanup: () => Promise<void>;
  const made: { key: string; token: string }[] = [];

  beforeAll(async () => {
    process.env.SESSION_SECRET ??= "handoff-store-test-session-secret-0123456789";
    cleanup = await useFreshProcessStore(engine, inject("storeDatabaseUrl"));
  });
  afterAll(async () => cleanup());

  async function aHandoff(keySource = `rotation:${randomUUID()}`, now = Date.now()) {
    counter++;
    const apiKey = `agent_${randomUUID().replaceAll("-", "")}`;
    const created = await createHandoff({
      operatorId: 31,
      agentId: counter,
      agentName: `Store Bot ${counter}`,
      origin: `rotate:agent:${counter}`,
      keySource,
      sessionLabel: "5ab1c2d0",
      apiKey,
      now,
    });
    made.push({ key: apiKey, token: created.token });
    return { ...created, apiKey };
  }

  it("makes at most one hand-off per key source, even for requests at the same instant", async () => {
    const keySource = `rotation:${randomUUID()}`;
    const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => aHandoff(keySource)));
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    for (const outcome of outcomes.filter((outcome) => outcome.status === "rejected"))
      expect((outcome as PromiseRejectedResult).reason).toBeInstanceOf(HandoffExistsError);
    const { db } = await getStore();
    const rows = await db.execute<{ count: number | string }>(
      sql`select count(*) as count from handoffs where key_source = ${keySource}`,
    );
    expect(Number(rows.rows[0]?.count)).toBe(1);
    // Another source is another key: no refusal.
    await expect(aHandoff(`create:${randomUUID()}`)).resolves.toMatchObject({ id: expect.any(String) });
  });

  it("a dump of the store after hand-offs in every state holds no key and no token", async () => {
    const redeemed = await aHandoff();
    expect(await redeemHandoff(redeemed.id, redeemed.token, client)).toMatchObject({ ok: true });
    expect(await redeemHandoff(redeemed.id, redeemed.token, client)).toMatchObject({ ok: false });
    const waiting = await aHandoff();
    expect(await lookupHandoff(waiting.id, waiting.token, client)).toMatchObject({ ok: true });
    const expired = await aHandoff(undefined, Date.now() - 24 * 60 * 60_000);
    expect(await redeemHandoff(expired.id, expired.token, client)).toMatchObject({ ok: false, refusal: "expired" });
    const locked = await aHandoff();
    for (let attempt = 0; attempt < 5; attempt++) await redeemHandoff(locked.id, "x".repeat(43), client);
    expect(await redeemHandoff(locked.id, locked.token, client)).toMatchObject({ ok: false, refusal: "locked" });
    const revoked = await aHandoff();
    expect(await revokeHandoff(31, revoked.id, "5ab1c2d0")).toBe(true);

    let dump: string;
    if (engine === "postgres") {
      const bin = findPostgresBinDir();
      const { stdout } = await run(
        bin ? path.join(bin, "pg_dump") : "pg_dump",
        ["--no-owner", "--dbname", String(process.env.DATABASE_URL)],
        {
          maxBuffer: 256 * 1024 * 1024,
        },
      );
      dump = stdout;
    } else {
      const { db } = await getStore();
      const tables = await db.execute<{ schema: string; name: string }>(
        sql`select table_schema as schema, table_name as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')`,
      );
      dump = "";
      for (const { schema, name } of tables.rows)
        dump += JSON.stringify(
          (await db.execute(sql`select * from ${sql.identifier(schema)}.${sql.identifier(name)}`)).rows,
        );
    }
    // The dump is real: it holds the hand-offs (their ids and sealed waiting key), just nothing that opens them.
    expect(dump).toContain(waiting.id);
    expect(dump).toContain(redeemed.id);
    expect(made.length).toBeGreaterThanOrEqual(7);
    for (const { key, token } of made) {
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(key.slice(6, 30));
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(token.slice(0, 20));
    }
  });
});
