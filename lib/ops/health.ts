import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { faucetApiUrl } from "@/lib/faucet";
import { getStore } from "@/lib/store/get-store";
import { MIGRATIONS_FOLDER } from "@/lib/store/migrate";
import type { Store } from "@/lib/store/store";
import { isDraining } from "@/lib/in-flight";

/**
 * The platform's probes, in the `application/health+json` shape (draft-inadarei-api-health-check):
 * `status` and `checks`, nothing else. No check says why it failed beyond a fixed phrase: a probe is
 * unauthenticated, so it names no host, version, configuration or operator.
 */
export type HealthStatus = "pass" | "warn" | "fail";
export type HealthCheck = { status: HealthStatus; observedValue?: number; observedUnit?: "ms"; output?: string };
export type Health = { status: HealthStatus; checks: Record<string, HealthCheck[]> };

/** Readiness asks the store for `SELECT 1` and its migrations within this, or says fail. */
export const STORE_CHECK_MS = 1_000;
/** The faucet's reachability for /api/status: one probe at most this often per process, whoever asks. */
export const FAUCET_PROBE_EVERY_MS = 10_000;
const FAUCET_PROBE_TIMEOUT_MS = 2_000;

const worst = (checks: HealthCheck[]): HealthStatus =>
  checks.some((check) => check.status === "fail")
    ? "fail"
    : checks.some((check) => check.status === "warn")
      ? "warn"
      : "pass";

function health(checks: Record<string, HealthCheck[]>): Health {
  return { status: worst(Object.values(checks).flat()), checks };
}

/** Liveness: the process answers. Nothing else is asked, so a database outage never restarts it. */
export function liveness(): Health {
  return { status: "pass", checks: {} };
}

/** How many migrations the checked-in journal lists (lib/store/migrations/meta/_journal.json). */
function expectedMigrations(folder: string): number {
  const journal = JSON.parse(readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as {
    entries?: unknown[];
  };
  return journal.entries?.length ?? 0;
}

function withinMs<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  // A late answer or failure after the timeout is dropped, never left unhandled.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

type StoreProbe = { answered: boolean; migrated: boolean };

async function probeStore(openStore: () => Promise<Store>, migrationsFolder: string): Promise<StoreProbe> {
  const { db } = await openStore();
  await db.execute(sql`select 1`);
  // Drizzle's migrators (both engines) record each applied migration in this table.
  const applied = await db.execute<{ count: string | number }>(
    sql`select count(*) as count from drizzle.__drizzle_migrations`,
  );
  return { answered: true, migrated: Number(applied.rows[0]?.count ?? 0) >= expectedMigrations(migrationsFolder) };
}

export type ReadinessOptions = { store?: () => Promise<Store>; migrationsFolder?: string; timeoutMs?: number };

/**
 * Readiness: this instance can serve, i.e. its store answers a bounded `SELECT 1` and has every
 * checked-in migration. Not the faucet: an upstream outage must not take every instance out of
 * the balancer at once.
 */
export async function readiness({
  store = getStore,
  migrationsFolder = MIGRATIONS_FOLDER,
  timeoutMs = STORE_CHECK_MS,
}: ReadinessOptions = {}): Promise<Health> {
  const started = performance.now();
  let probe: StoreProbe | "timeout" | "failed";
  try {
    probe = await withinMs(probeStore(store, migrationsFolder), timeoutMs);
  } catch {
    probe = "failed";
  }
  const observedValue = Math.round(performance.now() - started);
  const answered: HealthCheck =
    probe === "timeout"
      ? {
          status: "fail",
          observedValue,
          observedUnit: "ms",
          output: `The store did not answer within ${timeoutMs} ms.`,
        }
      : probe === "failed"
        ? { status: "fail", observedValue, observedUnit: "ms", output: "The store cannot be reached." }
        : { status: "pass", observedValue, observedUnit: "ms" };
  const migrated: HealthCheck =
    typeof probe === "object" && probe.migrated
      ? { status: "pass" }
      : {
          status: "fail",
          ...(typeof probe === "object" ? { output: "The store lacks migrations this build needs." } : {}),
        };
  // After SIGTERM the instance refuses new requests: the balancer must route away from it.
  const draining: Record<string, HealthCheck[]> = isDraining()
    ? { "process:shutdown": [{ status: "fail", output: "This instance is shutting down." }] }
    : {};
  return health({ "store:responseTime": [answered], "store:migrations": [migrated], ...draining });
}

type FaucetProbe = { at: number; reachable: Promise<boolean> };
const globalForProbe = globalThis as { consoleFaucetProbe?: FaucetProbe };

/**
 * Whether the faucet's URL answers HTTP at all (any status: a 404 or a 405 still proves it is up).
 * No key and no action is sent. Remembered for FAUCET_PROBE_EVERY_MS, so an unauthenticated
 * caller cannot make the console send the faucet more than one probe per interval.
 */
export function faucetReachable(url: string | undefined = faucetApiUrl(), now = Date.now()): Promise<boolean> {
  // The embedded faucet is this process: it is up when the process is.
  if (url === undefined) return Promise.resolve(true);
  const last = globalForProbe.consoleFaucetProbe;
  if (last && now - last.at < FAUCET_PROBE_EVERY_MS) return last.reachable;
  const reachable = fetch(url, {
    method: "HEAD",
    signal: AbortSignal.timeout(FAUCET_PROBE_TIMEOUT_MS),
    cache: "no-store",
    redirect: "manual",
  }).then(
    () => true,
    () => false,
  );
  globalForProbe.consoleFaucetProbe = { at: now, reachable };
  return reachable;
}

/** /api/status: readiness, plus the faucet's reachability as a warn (the console still serves its pages). */
export async function status(options: ReadinessOptions & { faucet?: () => Promise<boolean> } = {}): Promise<Health> {
  const [ready, reachable] = await Promise.all([readiness(options), (options.faucet ?? faucetReachable)()]);
  const faucet: HealthCheck = reachable
    ? { status: "pass" }
    : { status: "warn", output: "The faucet cannot be reached." };
  return health({ ...ready.checks, "faucet:reachability": [faucet] });
}

/** The HTTP answer: 200 for pass and warn, 503 for fail; never cached anywhere. */
export function healthResponse(body: Health): Response {
  return new Response(JSON.stringify(body), {
    status: body.status === "fail" ? 503 : 200,
    headers: { "content-type": "application/health+json", "cache-control": "no-store" },
  });
}
