import { envInteger } from "./env-number";

/** Calls in flight at once in a bulk run (BULK_CONCURRENCY): gentle on the faucet, fast enough for an incident. */
export function bulkConcurrency(env: NodeJS.ProcessEnv = process.env): number {
  return envInteger("BULK_CONCURRENCY", { fallback: 4, min: 1, max: 32 }, env);
}
