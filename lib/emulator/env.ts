/** Environment parsing shared by the CLI (main.ts) and the embedded instance. */
import { envInteger } from "../config/env-number";

export const DEFAULT_DATA_DIR = ".data/faucet";

/** FAUCET_SEED_AGENTS: how many generated agents to seed; unset means the demo six. */
export function seedAgentsFromEnv(): number | undefined {
  if (!process.env.FAUCET_SEED_AGENTS?.trim()) return undefined;
  return envInteger("FAUCET_SEED_AGENTS", { fallback: 0 });
}
