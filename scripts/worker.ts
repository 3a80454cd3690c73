/**
 * `npm run worker`: the rotation policy worker alone, for WORKER_MODE=external deployments that
 * keep their web processes stateless (run the consoles with WORKER_MODE=external, and this one or
 * more times beside them, with the same environment). It opens the console's store (migrating it
 * like a console would), runs pg-boss's cron and workers (lib/policies/policy-worker.ts), and on
 * SIGTERM or SIGINT lets the policy rotations in hand finish before it exits.
 *
 * Run with `--conditions=react-server` (the npm script does), so `server-only` resolves to its
 * empty module outside Next.
 */
import { checkConfiguration, ConfigError, env } from "@/lib/config/env";
import { log } from "@/lib/log";
import { startProcessPolicyWorker, stopProcessPolicyWorker } from "@/lib/policies/policy-worker";
import { closeStore, openStoreAtStartup } from "@/lib/store/get-store";
import { waitForRuns } from "@/lib/in-flight";

async function main(): Promise<number> {
  try {
    checkConfiguration();
    if (env().workerMode !== "external") {
      throw new ConfigError(
        "npm run worker is for WORKER_MODE=external (with DATABASE_URL and FAUCET_API_URL); with the default WORKER_MODE=embedded the console runs the worker itself.",
      );
    }
    await openStoreAtStartup();
  } catch (error) {
    console.error(`worker: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const worker = await startProcessPolicyWorker();
  if (!worker) return 1;
  const graceMs = env().shutdownGraceSeconds * 1000;
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
  });
  log.info("worker: stopping; the policy rotations in hand finish first");
  await stopProcessPolicyWorker(graceMs);
  const clean = await waitForRuns(graceMs);
  await closeStore();
  return clean ? 0 : 1;
}

void main().then((code) => process.exit(code));
