import "server-only";
import PgBoss from "pg-boss";
import type { PGlite } from "@electric-sql/pglite";
import { BULK_CONCURRENCY, env } from "@/lib/config/env";
import { log } from "@/lib/log";
import { getStore } from "@/lib/store/get-store";
import type { Store } from "@/lib/store/store";
import { policyJobKey, runPolicyRotation, sweepAll, type PolicyJob } from "./policy-run";

/**
 * Rotation policies as pg-boss jobs, on the console's own engine. On PostgreSQL pg-boss opens
 * its own small `pg` pool on DATABASE_URL (schema `pgboss`); on the embedded PGlite it runs over
 * the console's one PGlite connection through its bring-your-own-database option
 * (`db.executeSql`). No timer of ours: pg-boss's cron sends `policy-sweep` once a minute (one
 * instance of many, by its own singleton), and its workers fetch jobs with SKIP LOCKED, so of
 * several instances exactly one runs each `policy-rotation` job.
 */

export const SWEEP_QUEUE = "policy-sweep";
export const ROTATION_QUEUE = "policy-rotation";
/** Every minute: a policy is counted in days, and a key found due waits at most a minute. */
export const SWEEP_CRON = "* * * * *";
/** Jobs fetched at once; run BULK_CONCURRENCY at a time, as incident mode's bulk runs do. */
const ROTATION_BATCH = 100;

type PgBossInstance = PgBoss;

/** pg-boss over PGlite: parameterised statements through query(), its multi-statement scripts through exec(). */
export function pgliteExecutor(client: PGlite): {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
} {
  return {
    async executeSql(text, values) {
      if (values && values.length > 0) return { rows: (await client.query(text, values)).rows };
      const results = await client.exec(text);
      return { rows: results.at(-1)?.rows ?? [] };
    },
  };
}

export function bossFor(store: Store): PgBossInstance {
  const common = {
    // Job ids and singleton keys are ours; nothing is retried: a policy rotation that may have committed waits for a person.
    retryLimit: 0,
    // A run over thousands of agents at four calls at a time takes minutes, not hours.
    expireInSeconds: 15 * 60,
    schedule: true,
    supervise: true,
    migrate: true,
  };
  if (store.engine === "pglite") return new PgBoss({ ...common, db: pgliteExecutor(store.client) });
  const settings = env().store;
  if (!("databaseUrl" in settings)) throw new Error("a PostgreSQL store without DATABASE_URL");
  return new PgBoss({
    ...common,
    connectionString: settings.databaseUrl,
    max: 4,
    application_name: "faucet-console-policies",
  });
}

/** A sweep job: the cron's (every operator) or one sent when an operator set a policy. */
type SweepJob = { operatorId?: number };

export type PolicyWorkerOptions = {
  /** The clock the sweep judges "due" by; the tests move it, the console uses the real one. */
  now?: () => number;
  /** How often idle workers look for jobs (pg-boss's polling; at least 0.5 s). */
  pollingIntervalSeconds?: number;
  /** False: queue and run jobs, but send no cron sweep (a test sends its own). */
  schedule?: boolean;
};

export type PolicyWorker = {
  boss: PgBossInstance;
  /** Sends one sweep now: every operator's (what the cron does each minute), or one operator's. */
  sweepNow(operatorId?: number): Promise<void>;
  stop(timeoutMs?: number): Promise<void>;
};

async function runAll<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(lanes);
}

export async function startPolicyWorker(store: Store, options: PolicyWorkerOptions = {}): Promise<PolicyWorker> {
  const now = options.now ?? Date.now;
  const boss = bossFor(store);
  boss.on("error", (error: unknown) => log.error("the policy worker (pg-boss) reported an error", error));
  await boss.start();
  await boss.createQueue(SWEEP_QUEUE, { name: SWEEP_QUEUE, policy: "short", retryLimit: 0 });
  await boss.createQueue(ROTATION_QUEUE, { name: ROTATION_QUEUE, policy: "short", retryLimit: 0 });

  let stopping = false;
  const enqueue = async (jobs: PolicyJob[]) => {
    if (jobs.length === 0) return;
    await boss.insert(
      jobs.map((job) => {
        const key = policyJobKey(job);
        // The same singleton key on every instance: a job already queued is not queued twice. No
        // fixed id: a finished job's id stays taken until it is archived (12 h), which would drop
        // the retry of a refused run; the claim in policy_runs makes any duplicate harmless.
        return { name: ROTATION_QUEUE, singletonKey: key, data: job, retryLimit: 0 };
      }),
    );
  };

  await boss.work<SweepJob>(
    SWEEP_QUEUE,
    { pollingIntervalSeconds: options.pollingIntervalSeconds ?? 2 },
    async (jobs) => {
      for (const job of jobs) {
        const enqueued = await sweepAll(now(), enqueue, job.data?.operatorId);
        if (enqueued > 0) log.info("rotation policies: keys due", { enqueued });
      }
    },
  );
  await boss.work<PolicyJob>(
    ROTATION_QUEUE,
    { batchSize: ROTATION_BATCH, pollingIntervalSeconds: options.pollingIntervalSeconds ?? 1 },
    async (jobs) => {
      await runAll(jobs, BULK_CONCURRENCY, async (job) => {
        // Stopping (SIGTERM): the jobs in hand not yet started are left unclaimed, for the next sweep.
        if (stopping) return;
        try {
          await runPolicyRotation(job.data);
        } catch (error) {
          // Its claim (if made) stays `running`: shown as needing a person, never retried.
          log.error("a policy rotation failed unexpectedly; it waits for a person", error);
        }
      });
      // Nothing returned: a job's output is stored, and a rotation's reply holds a key.
    },
  );
  if (options.schedule ?? true) await boss.schedule(SWEEP_QUEUE, SWEEP_CRON, {}, { retryLimit: 0 });

  return {
    boss,
    async sweepNow(operatorId) {
      // The queue's "short" policy keeps one waiting sweep per singleton key: saving a policy again and
      // again queues at most one more sweep of that operator, never one of everyone.
      if (operatorId === undefined) await boss.send(SWEEP_QUEUE, {}, { retryLimit: 0 });
      else await boss.send(SWEEP_QUEUE, { operatorId }, { retryLimit: 0, singletonKey: `operator:${operatorId}` });
    },
    async stop(timeoutMs = 20_000) {
      // Graceful: no new fetch, no new rotation; the ones under way finish (their faucet call and outcome recorded).
      stopping = true;
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: true });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The process's one worker (WORKER_MODE=embedded starts it at start-up; `npm run worker` alone).

const WORKER_KEY = Symbol.for("faucet-console.policy-worker");
type WorkerHolder = { starting?: Promise<PolicyWorker | null>; stopped?: boolean };

function holder(): WorkerHolder {
  const global = globalThis as { [WORKER_KEY]?: WorkerHolder };
  global[WORKER_KEY] ??= {};
  return global[WORKER_KEY];
}

/** After a failed start (the database down at start-up), the next try. */
const RETRY_START_MS = 30_000;

/**
 * Starts this process's policy worker once. A store that cannot be reached now is tried again
 * every 30 s on an unref'd timer (logged): the console serves pages without the worker, and
 * pg-boss keeps nothing in memory that a later start would miss.
 */
export function startProcessPolicyWorker(options: PolicyWorkerOptions = {}): Promise<PolicyWorker | null> {
  const state = holder();
  // A retry timer that fires after the drain began must not start pg-boss again.
  if (state.stopped) return Promise.resolve(null);
  state.starting ??= (async () => {
    try {
      const worker = await startPolicyWorker(await getStore(), options);
      log.info("rotation policy worker started (pg-boss)");
      return worker;
    } catch (error) {
      log.error("the rotation policy worker could not start; it tries again in 30 s", error);
      state.starting = undefined;
      if (!state.stopped) setTimeout(() => void startProcessPolicyWorker(options), RETRY_START_MS).unref();
      return null;
    }
  })();
  return state.starting;
}

/**
 * A sweep now, through this process's worker, when a policy was just set: a key already past it
 * is rotated within seconds instead of at the next minute's cron. Nothing in a process that runs
 * no worker (WORKER_MODE=external: its cron finds the key within the minute). Never throws: the
 * cron is the guarantee, this only makes it sooner, and a sweep found twice queues nothing twice
 * (singleton keys, then the claim in policy_runs).
 */
export async function sweepSoon(operatorId: number): Promise<void> {
  const starting = holder().starting;
  if (!starting) return;
  try {
    await (await starting)?.sweepNow(operatorId);
  } catch (error) {
    log.warn("a sweep after a policy change could not be sent; the next minute's sweep runs it", error);
  }
}

/** The SIGTERM drain: stop fetching, let the jobs in hand finish, before the store closes. */
export async function stopProcessPolicyWorker(timeoutMs: number): Promise<void> {
  const state = holder();
  state.stopped = true;
  const starting = state.starting;
  state.starting = undefined;
  const worker = await starting?.catch(() => null);
  await worker?.stop(timeoutMs);
}
