import "server-only";
import { resolve } from "node:path";
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

export function getEmbeddedFaucet(): FaucetEmulator {
  const holder = globalThis as Holder;
  const existing = holder[INSTANCE];
  if (existing) return existing;
  const created = createFaucetEmulator({
    // The data dir is chosen at run time; the comment keeps the bundler from tracing the whole project.
    dataDir: resolve(/*turbopackIgnore: true*/ process.cwd(), process.env.FAUCET_DATA_DIR || DEFAULT_DATA_DIR),
    seedAgents: seedAgentsFromEnv(),
    printDemoKey: true,
    // Anyone who reaches a demo console reaches this faucet: keep its state bounded.
    maxOperators: securitySettings().demoMaxOperators,
    maxAgentsPerOperator: securitySettings().demoMaxAgentsPerOperator,
  });
  holder[INSTANCE] = created;
  return created;
}
