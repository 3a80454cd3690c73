import { readCliOptions } from "./cli-options";
import { createFaucetEmulator } from "./faucet-emulator";
import { startFaucetServer } from "./http-server";

/**
 * The `faucet` bin (`npm run faucet` at the console's root): the stand-alone faucet. Runs
 * under plain tsx; nothing in this package imports "server-only" (which throws outside
 * React Server Components).
 *
 * Listens on 127.0.0.1 only: with FAUCET_TEST_CONTROL it takes fault injection from anyone
 * who reaches it, so no setting makes it listen further.
 *
 * Env: see readCliOptions() in cli-options.ts.
 */

async function main(): Promise<void> {
  const { port, dataDir, seedAgents, testControl } = readCliOptions(process.env);

  const emulator = createFaucetEmulator({ dataDir, seedAgents, printDemoKey: true });
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
