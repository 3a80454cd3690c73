/** Environment parsing shared by the CLI (main.ts) and the embedded instance. */

export const DEFAULT_DATA_DIR = ".data/faucet";

/** A whole number from the environment, or `fallback` when unset; anything else is a start-up error. */
export function wholeNumberFromEnv(name: string, fallback?: number): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, 0 or more (got "${raw}")`);
  return value;
}
