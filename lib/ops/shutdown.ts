import "server-only";
import { env, loadEnv, type EnvSource } from "@/lib/config/env";
import { log } from "@/lib/log";
import { closeStore } from "@/lib/store/get-store";
import { runsInFlight, startDraining, waitForRuns } from "@/lib/in-flight";
import { stopProcessPolicyWorker } from "@/lib/policies/policy-worker";

/** SHUTDOWN_GRACE_SECONDS (lib/config/env.ts; default 20, 0 to 3600): how long a SIGTERM waits for rotations and lifecycle changes in flight. */
export function readShutdownGraceSeconds(source?: EnvSource): number {
  return (source ? loadEnv(source) : env()).shutdownGraceSeconds;
}

/** After the last run settles, its HTTP response (the new key) still has to be written. */
const FLUSH_MS = 500;

type ShutdownOptions = {
  graceSeconds: number;
  exit: (code: number) => void;
  closeStore: () => Promise<void>;
  /** Stops the policy worker fetching jobs and waits for those in hand (before the store closes). */
  stopWorker?: (timeoutMs: number) => Promise<void>;
  flushMs?: number;
};

/**
 * One SIGTERM, in order: refuse new requests (proxy.ts answers 503, /api/readyz fails, so a
 * balancer routes away), let the pipeline runs in flight finish, their faucet call and their
 * outcome recorded, for up to the grace period, close the store, exit 0. Runs still in flight
 * when the grace period ends are left (their audit events stay pending, read as unknown) and
 * the exit code is 1, so the platform's log shows the stop was not clean.
 */
export async function shutDown({
  graceSeconds,
  exit,
  closeStore: close,
  stopWorker,
  flushMs = FLUSH_MS,
}: ShutdownOptions): Promise<void> {
  startDraining();
  log.info("SIGTERM: refusing new requests and waiting for changes in flight", {
    inFlight: runsInFlight(),
    graceSeconds,
  });
  const stoppedAt = Date.now();
  // The worker takes no new job from here; the policy rotations it holds are runs in flight like any other.
  const workerStopped = stopWorker?.(graceSeconds * 1000).catch((error: unknown) => {
    log.warn("stopping the policy worker at shutdown failed", error);
  });
  const finished = await waitForRuns(graceSeconds * 1000);
  if (workerStopped) await within(workerStopped, graceSeconds * 1000 - (Date.now() - stoppedAt));
  if (!finished)
    log.error("the shutdown grace period ended with changes in flight; their audit events stay pending", undefined, {
      inFlight: runsInFlight(),
    });
  await new Promise((resolve) => setTimeout(resolve, flushMs));
  try {
    await close();
  } catch (error) {
    log.warn("closing the store at shutdown failed", error);
  }
  log.info("shut down", { clean: finished });
  exit(finished ? 0 : 1);
}

/** Waits for `promise`, but no longer than `ms`. */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))))]);
  clearTimeout(timer);
}

const INSTALLED_KEY = Symbol.for("faucet-console.shutdown-installed");

/**
 * Takes SIGTERM over from Next.js in a production server (`next start` and the standalone
 * server.js): Next 16's own handler closes the HTTP server, waits for every open request with
 * no bound, and exits 143 without closing the store. Development keeps Next's (an immediate stop).
 */
export function installShutdown(): void {
  const global = globalThis as { [INSTALLED_KEY]?: boolean };
  if (global[INSTALLED_KEY] || process.env.NODE_ENV !== "production") return;
  global[INSTALLED_KEY] = true;
  const graceSeconds = readShutdownGraceSeconds();
  for (const listener of process.listeners("SIGTERM")) process.off("SIGTERM", listener);
  process.once("SIGTERM", () => {
    void shutDown({
      graceSeconds,
      exit: (code) => process.exit(code),
      closeStore,
      stopWorker: stopProcessPolicyWorker,
    });
  });
}
