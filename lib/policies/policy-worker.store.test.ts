import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createFaucetEmulator, type FaucetEmulator } from "faucet-emulator";
import { useFreshProcessStore } from "@/e2e/support/process-store";
import { auditRows, connectHost, eventually } from "@/e2e/support/policy-fixtures";
import { keyLabel } from "@/lib/key-label";
import type { OperatorSession } from "@/lib/session/session-data";
import { getStore } from "@/lib/store/get-store";
import { DAY_MS } from "@/lib/agents/policy-due";
import { policyRunCounts, runPolicyRotation, sweepOperator, type PolicyJob } from "./policy-run";
import { armedOperator } from "./policy-arming";
import { startPolicyWorker, type PolicyWorker } from "./policy-worker";
import { setRotationPolicy } from "./rotation-policies";

/**
 * Rotation policies on PostgreSQL: two workers (each its own pg-boss with its own `pg` pool on
 * the same database, as two console instances have) sweep the same minute, and each due key is
 * rotated exactly once: the faucet's call count is the oracle.
 */
const EMBEDDED_FAUCET_KEY = Symbol.for("lightning-faucet-emulator.embedded");
let faucet: FaucetEmulator;
let dir: string;
let release: () => Promise<void>;

beforeAll(async () => {
  dir = mkdtempSync("/tmp/faucet-console-policies-");
  delete process.env.FAUCET_API_URL;
  process.env.SESSION_SECRET = "policy-store-test-session-secret-0123456789";
  process.env.RATE_LIMIT_BULK_CALLS = "100000";
  release = await useFreshProcessStore("postgres", inject("storeDatabaseUrl"));
  faucet = createFaucetEmulator({ dataDir: path.join(dir, "faucet") });
  const globals = globalThis as Record<symbol, unknown> & { faucetClient?: unknown };
  globals[EMBEDDED_FAUCET_KEY] = faucet;
  delete globals.faucetClient;
});

afterAll(async () => {
  await release?.();
  faucet?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const reply = JSON.parse((await faucet.handle({ bodyText: JSON.stringify(body), headers: {} })).body) as Record<
    string,
    unknown
  >;
  if (reply.success !== true) throw new Error(`faucet refused ${String(body.action)}`);
  return reply;
}

async function operatorWithAgents(name: string, count: number) {
  const registered = await call({ action: "register", name });
  const operatorKey = String(registered.api_key);
  const operatorId = Number(registered.operator_id);
  const agentIds: number[] = [];
  for (let i = 0; i < count; i++) {
    const created = await call({ action: "create_agent", api_key: operatorKey, name: `${name} ${i}` });
    agentIds.push(Number(created.agent_id));
  }
  const session: OperatorSession = {
    sessionId: "s".repeat(22),
    sessionKey: "k".repeat(43),
    operatorCooldownUntil: null,
    agentCooldowns: [],
    label: "person01",
    operatorKey,
    operatorId,
    operatorName: name,
    operatorKeyTail: keyLabel(operatorKey),
  };
  return { session, operatorId, agentIds };
}

describe("rotation policies on PostgreSQL", () => {
  it("two workers on one database rotate each due key exactly once", async () => {
    const { session, operatorId, agentIds } = await operatorWithAgents("Two Workers", 8);
    const { db } = await getStore();
    const hosted = agentIds.slice(0, 6);
    for (const agentId of hosted) await connectHost(db, operatorId, agentId);
    await setRotationPolicy(session, { agentId: null, everyDays: 7 });
    const clock = Date.now() + 7 * DAY_MS;
    const store = await getStore();
    const workers: PolicyWorker[] = [];
    try {
      for (let i = 0; i < 2; i++)
        workers.push(
          await startPolicyWorker(store, { now: () => clock, schedule: false, pollingIntervalSeconds: 0.5 }),
        );
      // Both instances' sweeps of the same minute, at once.
      await Promise.all(workers.map((worker) => worker.sweepNow()));
      await Promise.all(workers.map((worker) => worker.sweepNow()));
      await eventually(
        () => policyRunCounts(operatorId),
        (counts) => counts.ok === hosted.length && counts.skipped_no_host === 2,
      );
      const sweepsDone = () =>
        Promise.all(workers.map((worker) => worker.boss.getQueueSize("policy-sweep", { before: "completed" }))).then(
          (sizes) => sizes.every((size) => size === 0),
        );
      await eventually(sweepsDone, Boolean);
      await eventually(
        () => workers[0]!.boss.getQueueSize("policy-rotation", { before: "completed" }),
        (size) => size === 0,
      );
      expect(faucet.stats(operatorId).calls.regenerate_agent_key).toBe(hosted.length);
      // One claimed run per agent and due time, however many sweeps found it due (pg-boss's
      // singleton key dedupes queued jobs; a job queued again while one ran finds its run claimed).
      const runs = await db.execute<{ agent: number; count: number }>(
        sql`select agent_id as agent, count(*)::int as count from policy_runs where operator_id = ${operatorId} group by agent_id`,
      );
      expect(runs.rows).toHaveLength(agentIds.length);
      expect(runs.rows.every((row) => Number(row.count) === 1)).toBe(true);
      expect(await auditRows(db, operatorId, "policy_run")).toHaveLength(hosted.length);
      expect(await auditRows(db, operatorId, "policy_skipped")).toHaveLength(2);
      // Who ran them: both workers took part or one did, but never both on one agent.
      const rotations = (await auditRows(db, operatorId, "rotate_agent_key")).filter((row) => row.outcome === "ok");
      expect(new Set(rotations.map((row) => row.target)).size).toBe(hosted.length);
    } finally {
      await Promise.all(workers.map((worker) => worker.stop(5_000)));
    }
  });

  it("a job delivered twice at once (two instances, one job) makes one faucet call", async () => {
    const { session, operatorId, agentIds } = await operatorWithAgents("Same Job Twice", 1);
    const { db } = await getStore();
    await connectHost(db, operatorId, agentIds[0]!);
    await setRotationPolicy(session, { agentId: agentIds[0]!, everyDays: 1 });
    const armed = await armedOperator(db, operatorId);
    let jobs: PolicyJob[] = [];
    await sweepOperator(armed!, Date.now() + DAY_MS, async (found) => void (jobs = found));
    expect(jobs).toHaveLength(1);
    const outcomes = await Promise.all([runPolicyRotation(jobs[0]!), runPolicyRotation(jobs[0]!)]);
    expect(outcomes.sort()).toEqual(["not_run", "ok"]);
    expect(faucet.stats(operatorId).calls.regenerate_agent_key).toBe(1);
  });
});
