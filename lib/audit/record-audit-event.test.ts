import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { useFreshProcessStore } from "@/e2e/support/process-store";
import { createDatabase } from "@/e2e/support/test-stores";
import { resetEnv } from "@/lib/config/env";
import { getStore } from "@/lib/store/get-store";
import type { AuditActor } from "./audit-actor";
import { auditKeyring } from "./audit-keys";
import { listAuditEntries, listKeyHistory } from "./audit-query";
import {
  beginAuditEvent,
  checkedAgentName,
  finishAuditEvent,
  finishAuditEventIn,
  recordAuditEvent,
} from "./record-audit-event";
import { verifyAuditChains } from "./verify-audit-chains";

const KEY = "agent_0123456789abcdef0123456789ab9f3a";
// The recorder's audit key (the process keyring reads it once); never derived from a generated secret here.
process.env.AUDIT_KEY = "record-audit-event-test-audit-key-0123456789";

let operatorCounter = 100;
function actor(operatorId: number | null = operatorCounter++): AuditActor {
  return {
    operatorId,
    sessionLabel: "3fa1c2d0",
    clientAddress: "127.0.0.1",
    userAgent: "vitest",
    instanceId: "test-1",
  };
}

describe.each(["pglite", "postgres"] as const)("recording audit events on %s", (engine) => {
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    cleanup = await useFreshProcessStore(engine, inject("storeDatabaseUrl"));
  });
  afterAll(() => cleanup());

  const list = (operatorId: number, staleBefore = Date.now() - 60_000, filters = {}) =>
    listAuditEntries({ operatorId, filters, cursor: null, limit: 100, staleBefore });

  it("shows a pending event as pending, then completes it with a second row without touching the first", async () => {
    const who = actor();
    const operatorId = who.operatorId ?? 0;
    const handle = await beginAuditEvent(who, { action: "rotate_agent_key", target: "agent:4" });
    expect((await list(operatorId)).entries).toMatchObject([
      { id: handle.id, outcome: "pending", neverCompleted: true },
    ]);
    // A console killed mid-call leaves it pending: once no call can still be running, it reads "unknown".
    expect((await list(operatorId, Date.now() + 1)).entries).toMatchObject([
      { id: handle.id, outcome: "unknown", neverCompleted: true },
    ]);
    await finishAuditEvent(handle, { outcome: "ok", keyLabel: "agent_…9f3a" });
    const [entry] = (await list(operatorId)).entries;
    expect(entry).toMatchObject({
      id: handle.id,
      outcome: "ok",
      keyLabel: "agent_…9f3a",
      sessionLabel: "3fa1c2d0",
      clientAddress: "127.0.0.1",
      userAgent: "vitest",
      instanceId: "test-1",
    });
    expect(entry?.finishedAt).toEqual(expect.any(Number));
    expect(await verifyAuditChains((await getStore()).db, { keyring: auditKeyring() })).toMatchObject({
      ok: true,
      unkeyed: 0,
    });
  });

  it("keeps one outcome per event: a second completion is ignored", async () => {
    const who = actor();
    const handle = await beginAuditEvent(who, { action: "rotate_operator_key", target: "operator" });
    await finishAuditEvent(handle, { outcome: "refused", refusal: "cooldown" });
    await finishAuditEvent(handle, { outcome: "ok", keyLabel: "lf_…abcd" });
    expect((await list(who.operatorId ?? 0)).entries).toMatchObject([
      { outcome: "refused", refusal: "cooldown", keyLabel: null },
    ]);
  });

  it("appends the events beside a completion in its insert, in order; beside a second completion they still join a valid chain", async () => {
    const who = actor();
    const operatorId = who.operatorId ?? 0;
    const { db } = await getStore();
    const beside = (agentId: number) => ({
      actor: who,
      event: { action: "create_handoff" as const, target: `agent:${agentId}` as const, outcome: "ok" as const },
    });
    const handle = await beginAuditEvent(who, { action: "rotate_agent_key", target: "agent:7" });
    await db.transaction((tx) =>
      finishAuditEventIn(tx, handle, { outcome: "ok", keyLabel: "agent_…9f3a" }, [beside(7), beside(8)]),
    );
    // The completion already exists: it alone is left out, and the chain's head stays on the last event written.
    await db.transaction((tx) => finishAuditEventIn(tx, handle, { outcome: "refused" }, [beside(9)]));
    await recordAuditEvent(who, { action: "sign_out", target: "operator", outcome: "ok" });
    expect((await list(operatorId)).entries.map((entry) => [entry.action, entry.target, entry.outcome])).toEqual([
      ["sign_out", "operator", "ok"],
      ["create_handoff", "agent:9", "ok"],
      ["create_handoff", "agent:8", "ok"],
      ["create_handoff", "agent:7", "ok"],
      ["rotate_agent_key", "agent:7", "ok"],
    ]);
    expect(await verifyAuditChains(db, { keyring: auditKeyring() })).toMatchObject({ ok: true, unkeyed: 0 });
  });

  it("never stores a key: a fingerprint that is not a label is dropped, a refusal that is not a kind becomes 'other'", async () => {
    const who = actor();
    await recordAuditEvent(who, { action: "rotate_agent_key", target: "agent:1", outcome: "ok", keyLabel: KEY });
    await recordAuditEvent(who, {
      action: "sign_in",
      target: "operator",
      outcome: "refused",
      refusal: `bad key ${KEY}`,
    });
    const { db } = await getStore();
    const dump = JSON.stringify((await db.execute(`select * from audit_events`)).rows);
    expect(dump).not.toContain("0123456789abcdef");
    expect((await list(who.operatorId ?? 0)).entries).toMatchObject([
      { action: "sign_in", refusal: "other" },
      { action: "rotate_agent_key", keyLabel: null },
    ]);
  });

  it("filters by agent, action, outcome, day and batch, and pages by keyset without gaps", async () => {
    const who = actor();
    const operatorId = who.operatorId ?? 0;
    const batchId = randomUUID();
    for (let i = 0; i < 25; i++) {
      await recordAuditEvent(who, {
        action: i % 2 ? "rotate_agent_key" : "sign_in",
        target: i % 2 ? `agent:${i % 5}` : "operator",
        outcome: i % 3 ? "ok" : "refused",
        refusal: "rate_limited",
        batchId: i < 5 ? batchId : null,
      });
    }
    const all: string[] = [];
    let cursor: number | null = null;
    do {
      const page = await listAuditEntries({ operatorId, filters: {}, cursor, limit: 7, staleBefore: 0 });
      all.push(...page.entries.map((entry) => entry.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(new Set(all).size).toBe(25);
    expect((await list(operatorId, 0, { agent: 3 })).entries.every((entry) => entry.target === "agent:3")).toBe(true);
    expect((await list(operatorId, 0, { action: "sign_in" })).entries).toHaveLength(13);
    expect(
      (await list(operatorId, 0, { outcome: "refused" })).entries.every(
        (entry) => entry.outcome === "refused" && entry.refusal === "rate_limited",
      ),
    ).toBe(true);
    expect((await list(operatorId, 0, { batch: batchId })).entries).toHaveLength(5);
    const today = new Date().toISOString().slice(0, 10);
    expect((await list(operatorId, 0, { from: today, to: today })).entries).toHaveLength(25);
    expect((await list(operatorId, 0, { to: "2001-01-01" })).entries).toHaveLength(0);
  });

  it("gives an agent's key history newest first and marks the current key", async () => {
    const who = actor();
    const operatorId = who.operatorId ?? 0;
    const first = await beginAuditEvent(who, { action: "rotate_agent_key", target: "agent:9" });
    await finishAuditEvent(first, { outcome: "ok", keyLabel: "agent_…1111" });
    const second = await beginAuditEvent(who, { action: "rotate_agent_key", target: "agent:9" });
    await finishAuditEvent(second, { outcome: "ok", keyLabel: "agent_…2222" });
    const third = await beginAuditEvent(who, { action: "rotate_agent_key", target: "agent:9" });
    await finishAuditEvent(third, { outcome: "refused", refusal: "cooldown" });
    await recordAuditEvent(who, {
      action: "rotate_agent_key",
      target: "agent:10",
      outcome: "ok",
      keyLabel: "agent_…3333",
    });
    const history = await listKeyHistory(operatorId, 9, 0);
    expect(history.entries.map((entry) => entry.keyLabel)).toEqual([null, "agent_…2222", "agent_…1111"]);
    expect(history.currentId).toBe(second.id);
  });

  it("puts a refused sign-in that named no operator in a chain of its own", async () => {
    await recordAuditEvent(actor(null), {
      action: "sign_in",
      target: "operator",
      outcome: "refused",
      refusal: "invalid_key",
    });
    const { db } = await getStore();
    const rows = (await db.execute(`select chain, operator_id from audit_events where operator_id is null`)).rows;
    expect(rows).toContainEqual({ chain: "anonymous", operator_id: null });
  });

  it("names each event's agent as it was then: a renamed agent's old events keep the old name; the filter finds them by either", async () => {
    const who = actor();
    const operatorId = who.operatorId ?? 0;
    const before = await beginAuditEvent(who, {
      action: "rotate_agent_key",
      target: "agent:1",
      agentName: "Research Bot",
    });
    await finishAuditEvent(before, { outcome: "ok", keyLabel: "agent_…1111" });
    // Renamed at the faucet: the console's next list knows it by its new name.
    await recordAuditEvent(who, {
      action: "deactivate_agent",
      target: "agent:1",
      agentName: "Research Bot v2",
      outcome: "ok",
    });
    // One the console knew no name for, and one whose name holds LIKE's wildcards and a control character.
    await recordAuditEvent(who, { action: "sweep_agent", target: "agent:2", outcome: "ok" });
    await recordAuditEvent(who, {
      action: "fund_agent",
      target: "agent:3",
      agentName: "100%_sure\nbot",
      outcome: "ok",
    });
    // A create: its pending row has the name asked for, its completion the agent made.
    const created = await beginAuditEvent(who, { action: "create_agent", target: "operator", agentName: "New One" });
    await finishAuditEvent({ ...created, target: "agent:4" }, { outcome: "ok", keyLabel: "agent_…4444" });

    const entries = (await list(operatorId)).entries;
    expect(entries.map((entry) => [entry.action, entry.target, entry.agentName])).toEqual([
      ["create_agent", "agent:4", "New One"],
      ["fund_agent", "agent:3", "100%_sure bot"],
      ["sweep_agent", "agent:2", null],
      ["deactivate_agent", "agent:1", "Research Bot v2"],
      ["rotate_agent_key", "agent:1", "Research Bot"],
    ]);

    const byName = async (agentName: string) =>
      (await list(operatorId, Date.now() - 60_000, { agentName })).entries.map((entry) => entry.action);
    // Case-insensitive, anywhere in the name: both names of agent 1 hold "research bot".
    expect(await byName("RESEARCH bot")).toEqual(["deactivate_agent", "rotate_agent_key"]);
    // The new name finds only the events recorded under it.
    expect(await byName("bot v2")).toEqual(["deactivate_agent"]);
    // Wildcards are literal: "%" matches only a name with a "%" in it, "_" only one with "_".
    expect(await byName("%")).toEqual(["fund_agent"]);
    expect(await byName("_")).toEqual(["fund_agent"]);
    expect(await byName("new")).toEqual(["create_agent"]);
    expect(await byName("nobody")).toEqual([]);
    // The id still finds every event of agent 1, whatever it was called.
    expect((await list(operatorId, Date.now() - 60_000, { agent: 1 })).entries).toHaveLength(2);

    expect(await verifyAuditChains((await getStore()).db, { keyring: auditKeyring() })).toMatchObject({
      ok: true,
      unkeyed: 0,
    });
  });

  it("keeps a name to one line of at most 200 characters, and an empty one as none", () => {
    expect(checkedAgentName("  Research\tBot\u0000 ")).toBe("Research Bot");
    expect(checkedAgentName(" \n ")).toBeNull();
    expect(checkedAgentName(undefined)).toBeNull();
    const long = "🙂".repeat(250);
    expect(checkedAgentName(long)).toBe("🙂".repeat(200));
  });
});

type VerifyRun = { code: number; stdout: string; stderr: string };

/**
 * scripts/audit-verify.ts (what `npm run audit:verify` runs) in this process, on the store `env`
 * names: a fresh import of the script runs it once; its exit code and console lines are caught
 * here. e2e/audit-log.spec.ts runs the documented command itself once, on the consoles' store.
 */
async function runAuditVerifyScript(env: Record<string, string | undefined>): Promise<VerifyRun> {
  const saved = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  const savedArgv = process.argv;
  const savedExitCode = process.exitCode;
  const stdout: string[] = [];
  const stderr: string[] = [];
  const spies = [
    vi.spyOn(console, "log").mockImplementation((line: unknown) => void stdout.push(String(line))),
    vi.spyOn(console, "warn").mockImplementation((line: unknown) => void stderr.push(String(line))),
    vi.spyOn(console, "error").mockImplementation((line: unknown) => void stderr.push(String(line))),
  ];
  try {
    for (const [name, value] of Object.entries(env))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    process.argv = [savedArgv[0] ?? "node", "scripts/audit-verify.ts"];
    process.exitCode = undefined;
    resetEnv();
    vi.resetModules();
    await import("@/scripts/audit-verify");
    return { code: Number(process.exitCode ?? 0), stdout: stdout.join("\n"), stderr: stderr.join("\n") };
  } finally {
    for (const spy of spies) spy.mockRestore();
    for (const [name, value] of Object.entries(saved))
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    process.argv = savedArgv;
    process.exitCode = savedExitCode;
    resetEnv();
  }
}

// On PostgreSQL, as the consoles of e2e/audit-log.spec.ts share it (PGlite would need the process to let its directory go).
describe("audit:verify on PostgreSQL, on events as the console records them", () => {
  it("migrates an empty store and finds it clean; on two operators' events and a named agent's it exits 0, then 1 naming an edited row, a deleted one and a renamed agent's event", async () => {
    // A database the console never opened: audit:verify migrates it (the console's own migrations) and finds it clean.
    const empty = { DATABASE_URL: await createDatabase(inject("storeDatabaseUrl")) };
    expect(await runAuditVerifyScript(empty), "audit:verify migrates an empty store and finds it clean").toMatchObject({
      code: 0,
      stdout: expect.stringContaining("0 chains, 0 rows"),
    });

    const cleanup = await useFreshProcessStore("postgres", inject("storeDatabaseUrl"));
    try {
      // As the console records them: a sign-in (one row) and three rotations (a pending row and its completion each).
      const operators = [actor(), actor()];
      for (const who of operators) {
        await recordAuditEvent(who, { action: "sign_in", target: "operator", outcome: "ok", keyLabel: "lf_…abcd" });
        for (const agentId of [1, 2, 3]) {
          const handle = await beginAuditEvent(who, { action: "rotate_agent_key", target: `agent:${agentId}` });
          await finishAuditEvent(handle, { outcome: "ok", keyLabel: "agent_…9f3a" });
        }
      }
      // A third operator's agents, named as the agents page read them: one rotated, one deleted.
      const naming = actor();
      const rotated = await beginAuditEvent(naming, {
        action: "rotate_agent_key",
        target: "agent:1",
        agentName: "Research Bot",
      });
      await finishAuditEvent(rotated, { outcome: "ok", keyLabel: "agent_…1111" });
      const deletedAgent = await beginAuditEvent(naming, {
        action: "delete_agent",
        target: "agent:2",
        agentName: "Data Scraper",
      });
      await finishAuditEvent(deletedAgent, { outcome: "ok" });

      const { db } = await getStore();
      const rows = (
        await db.execute<{ id: string; chain: string; position: number; agent_name: string | null }>(
          "select id, chain, position::int as position, agent_name from audit_events order by chain, position",
        )
      ).rows;
      const [editedChain, deletedChain, namedChain] = [...operators, naming].map(
        (who) => `operator:${String(who.operatorId)}`,
      );
      const events = rows.filter((row) => row.chain === editedChain);
      const others = rows.filter((row) => row.chain === deletedChain);
      const named = rows.filter((row) => row.chain === namedChain);
      expect(events).toHaveLength(7);
      expect(others).toHaveLength(7);
      expect(named.filter((event) => event.agent_name === "Research Bot")).toHaveLength(2);
      expect(await runAuditVerifyScript({})).toMatchObject({
        code: 0,
        stdout: expect.stringContaining(`3 chains, ${rows.length} rows`),
      });

      const edited = events[2]!;
      const deleted = others[3]!;
      const renamed = named.find((event) => event.agent_name === "Data Scraper")!;
      await db.execute(sql`update audit_events set outcome = 'refused' where id = ${edited.id}`);
      await db.execute(sql`delete from audit_events where id = ${deleted.id}`);
      await db.execute(sql`update audit_events set agent_name = 'Someone Else' where id = ${renamed.id}`);
      // The verifier walks every chain and names the first broken link of each: one run shows all three.
      const afterTampering = await runAuditVerifyScript({});
      expect(afterTampering.code).toBe(1);
      expect(afterTampering.stderr).toContain(
        `event ${String(edited.id)} (chain ${editedChain}, position 3) was edited`,
      );
      expect(afterTampering.stderr).toContain(
        `event ${String(others[4]!.id)} (chain ${deletedChain}, position 4) was deleted`,
      );
      expect(afterTampering.stderr).toContain(
        `event ${String(renamed.id)} (chain ${namedChain}, position ${String(renamed.position)}) was edited`,
      );
    } finally {
      await cleanup();
    }
  });
});
