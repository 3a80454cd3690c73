/**
 * The policy figure of issue 23: a rotation policy run over AGENTS agents that all have a
 * connected host (simulated: their agent_hosts rows), through pg-boss on PostgreSQL, against
 * the same number of agents rotated as incident mode's bulk run does on the server (a
 * server-issued bulk run, the bulk budget, BULK_CONCURRENCY calls at a time, one runChange each),
 * measured side by side in this one process on one throwaway cluster, at FAUCET_LATENCY_MS of
 * faucet latency on every rotation. The server-side bulk run is the stricter baseline: the
 * browser-driven run of figure 10 adds HTTP and the page; `npm run bench` holds the policy run
 * against that figure too. Prints one line `policy-run: {json}`.
 *
 * Alone: `npx tsx --conditions=react-server bench/policy-run.ts [agents]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { createFaucetEmulator } from "faucet-emulator";
import { createPostgresCluster } from "@/e2e/support/postgres-cluster";
import { createBenchDatabase } from "./lib/postgres-database";

const AGENTS = Number(process.argv[2] ?? 1000);
const FAUCET_LATENCY_MS = 50;
const EMBEDDED_FAUCET_KEY = Symbol.for("lightning-faucet-emulator.embedded");

async function main(): Promise<void> {
  const dir = mkdtempSync("/tmp/bench-policy-run-");
  const cluster = await createPostgresCluster();
  try {
    Object.assign(process.env, {
      DATABASE_URL: await createBenchDatabase(cluster.url),
      CONSOLE_DATA_DIR: dir,
      SESSION_SECRET: "bench-policy-run-session-secret-0123456789abcdef",
      RATE_LIMIT_BULK_CALLS: "1000000",
      LOG_FORMAT: "json",
    });
    delete process.env.FAUCET_API_URL;
    const { resetEnv, BULK_CONCURRENCY } = await import("@/lib/config/env");
    resetEnv();
    const faucet = createFaucetEmulator({ dataDir: path.join(dir, "faucet") });
    (globalThis as Record<symbol, unknown>)[EMBEDDED_FAUCET_KEY] = faucet;

    const { getStore, closeStore } = await import("@/lib/store/get-store");
    const { issueBulkRun } = await import("@/lib/changes/bulk-runs");
    const { rotate } = await import("@/lib/keys/rotate");
    const { setRotationPolicy } = await import("@/lib/policies/rotation-policies");
    const { startPolicyWorker } = await import("@/lib/policies/policy-worker");
    const { policyRunCounts } = await import("@/lib/policies/policy-run");
    const { DAY_MS } = await import("@/lib/agents/policy-due");
    const { agentHosts } = await import("@/lib/store/schema");
    const { randomBytes, randomUUID } = await import("node:crypto");
    const store = await getStore();

    const operator = (name: string) => {
      const seeded = faucet.seedOperator({
        name,
        agentNames: Array.from({ length: AGENTS }, (_, i) => `${name} ${i + 1}`),
      });
      const session = {
        sessionId: "b".repeat(22),
        sessionKey: "k".repeat(43),
        operatorCooldownUntil: null,
        agentCooldowns: [],
        label: "bench001",
        operatorKey: seeded.apiKey,
        operatorId: seeded.operatorId,
        operatorName: name,
        operatorKeyTail: null,
      };
      return { seeded, session };
    };
    const bulk = operator("Bench bulk operator");
    const policy = operator("Bench policy operator");
    faucet.setFaults({
      latencyMs: FAUCET_LATENCY_MS,
      actions: ["regenerate_agent_key"],
      operatorIds: [bulk.seeded.operatorId, policy.seeded.operatorId],
    });

    // The bulk run as /api/bulk/rotate-agent-key runs it, minus HTTP and the page.
    const bulkStart = performance.now();
    const run = await issueBulkRun(bulk.seeded.operatorId, "rotate", AGENTS);
    let next = 0;
    let bulkOk = 0;
    await Promise.all(
      Array.from({ length: BULK_CONCURRENCY }, async () => {
        while (next < AGENTS) {
          const agent = bulk.seeded.agents[next++]!;
          const result = await rotate(
            { session: bulk.session, batchId: run.batchId, bulk: "rotate" },
            {
              attemptId: randomUUID(),
              subject: { kind: "agent", agentId: agent.agentId },
              knownRotationAt: null,
              ownAttemptId: null,
            },
          );
          if (result.ok) bulkOk++;
        }
      }),
    );
    const bulkMs = performance.now() - bulkStart;

    // The policy run: every agent has a host, the policy is due, one sweep, the worker runs it.
    for (let i = 0; i < AGENTS; i += 500) {
      await store.db.insert(agentHosts).values(
        policy.seeded.agents.slice(i, i + 500).map((agent) => ({
          id: randomBytes(16).toString("base64url"),
          operatorId: policy.seeded.operatorId,
          agentId: agent.agentId,
          name: `bench-host-${agent.agentId}`,
          sealingPublicKey: randomBytes(32).toString("base64url"),
          signingPublicKey: randomBytes(32).toString("base64url"),
          connectedAt: new Date(),
        })),
      );
    }
    await setRotationPolicy(policy.session, { agentId: null, everyDays: 1 });
    const clock = Date.now() + 2 * DAY_MS;
    const worker = await startPolicyWorker(store, { now: () => clock, schedule: false, pollingIntervalSeconds: 0.5 });
    const policyStart = performance.now();
    await worker.sweepNow();
    let counts: Record<string, number> = {};
    for (;;) {
      counts = await policyRunCounts(policy.seeded.operatorId);
      const finished = AGENTS - (counts.running ?? 0);
      if ((counts.ok ?? 0) + (counts.refused ?? 0) + (counts.outcome_unknown ?? 0) >= AGENTS && finished >= AGENTS)
        break;
      if (performance.now() - policyStart > 600_000)
        throw new Error(`policy run unfinished: ${JSON.stringify(counts)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const policyMs = performance.now() - policyStart;
    await worker.stop(10_000);
    const calls = faucet.stats(policy.seeded.operatorId).calls.regenerate_agent_key ?? 0;
    console.log(
      `policy-run: ${JSON.stringify({
        agents: AGENTS,
        latencyMs: FAUCET_LATENCY_MS,
        bulkMs: Math.round(bulkMs),
        bulkOk,
        policyMs: Math.round(policyMs),
        policyOk: counts.ok ?? 0,
        policyCalls: calls,
        ratio: Number((policyMs / bulkMs).toFixed(3)),
      })}`,
    );
    await closeStore();
    faucet.close();
  } finally {
    cluster.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
