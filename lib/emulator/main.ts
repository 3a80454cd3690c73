import { createFaucetEmulator } from "./faucet-emulator";
import { envInteger } from "../config/env-number";
import { DEFAULT_DATA_DIR, seedAgentsFromEnv } from "./env";
import { startFaucetServer } from "./http-server";

/**
 * `npm run faucet`: the stand-alone faucet. Runs under plain tsx, so nothing it imports
 * may import "server-only" (which throws outside React Server Components).
 *
 * Listens on 127.0.0.1 only: with FAUCET_TEST_CONTROL it takes fault injection from anyone
 * who reaches it, so no setting makes it listen further.
 *
 * Env: PORT (4010), FAUCET_DATA_DIR (.data/faucet),
 * FAUCET_SEED_AGENTS (N generated agents instead of the demo six),
 * FAUCET_TEST_CONTROL=1 (enables the /__test/* fault and stats routes).
 */

async function main(): Promise<void> {
  const port = envInteger("PORT", { fallback: 4010, max: 65_535 });
  const dataDir = process.env.FAUCET_DATA_DIR || DEFAULT_DATA_DIR;
  const testControl = process.env.FAUCET_TEST_CONTROL === "1";

  const emulator = createFaucetEmulator({ dataDir, seedAgents: seedAgentsFromEnv(), printDemoKey: true });
  let server: Awaited<ReturnType<typeof startFaucetServer>>;
  try {
    server = await startFaucetServer({ emulator, port, host: "127.0.0.1", testControl });
  } catch (error) {
    emulator.close();
    throw error;
  }
  console.log(`Lightning Faucet emulator listening on ${server.url} (data: ${dataDir})`);
  if (testControl) {
    console.warn("WARNING: FAUCET_TEST_CONTROL=1 — /__test/* routes can inject faults. Never expose this server.");
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal} received, shutting down`);
    void server.close().finally(() => {
      // Releasing the lock last: no request can commit after this.
      emulator.close();
      process.exit(0);
    });
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
