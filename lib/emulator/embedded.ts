import "server-only";
import { join } from "node:path";
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
    dataDir: process.env.FAUCET_DATA_DIR || join(process.cwd(), ".data", "faucet"),
    seedAgents: seedAgentsFromEnv(),
    printDemoKey: true,
  });
  holder[INSTANCE] = created;
  return created;
}

function seedAgentsFromEnv(): number | undefined {
  const raw = process.env.FAUCET_SEED_AGENTS;
  if (raw === undefined || raw === "") return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`FAUCET_SEED_AGENTS must be a whole number, 0 or more (got "${raw}")`);
  return value;
}
