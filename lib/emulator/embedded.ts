import "server-only";
import { resolve } from "node:path";
import { ConfigError } from "@/lib/config/config-error";
import { securitySettings } from "@/lib/config/security-settings";
import { DEFAULT_DATA_DIR, seedAgentsFromEnv } from "./env";
import { createFaucetEmulator, type FaucetEmulator } from "./faucet-emulator";

/**
 * The faucet the Next app talks to in-process. One instance per process: it is kept on
 * globalThis because Next dev re-evaluates modules on hot reload, and a second
 * instance would find the data dir locked by the first.
 */

const INSTANCE = Symbol.for("lightning-faucet-emulator.embedded");
type Holder = { [INSTANCE]?: FaucetEmulator };

function embeddedDataDir(): string {
  // The data dir is chosen at run time; the comment keeps the bundler from tracing the whole project.
  return resolve(/*turbopackIgnore: true*/ process.cwd(), process.env.FAUCET_DATA_DIR || DEFAULT_DATA_DIR);
}

/** Start-up in demo mode: opens the embedded faucet now; a data dir it cannot use is a ConfigError. */
export function startEmbeddedFaucet(): void {
  try {
    getEmbeddedFaucet();
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0];
    throw new ConfigError(`the embedded faucet cannot use its data directory ${embeddedDataDir()} (${reason}). Set FAUCET_DATA_DIR to another directory.`);
  }
}

export function getEmbeddedFaucet(): FaucetEmulator {
  const holder = globalThis as Holder;
  const existing = holder[INSTANCE];
  if (existing) return existing;
  const created = createFaucetEmulator({
    dataDir: embeddedDataDir(),
    seedAgents: seedAgentsFromEnv(),
    printDemoKey: true,
    // Anyone who reaches a demo console reaches this faucet: keep its state bounded.
    maxOperators: securitySettings().demoMaxOperators,
    maxAgentsPerOperator: securitySettings().demoMaxAgentsPerOperator,
  });
  holder[INSTANCE] = created;
  return created;
}
