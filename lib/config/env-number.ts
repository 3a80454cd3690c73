// Kept only for lib/emulator (relative: its stand-alone bin imports it) until it moves to
// packages/faucet-emulator with its own options (issue 17 item 4); the console reads numbers through env.ts.
import { ConfigError } from "./env";

type EnvIntegerOptions = { fallback: number; min?: number; max?: number };

/**
 * The one reader of whole numbers from the environment. Unset or empty means the fallback;
 * anything else that is not a whole number in range is a configuration error, so a typo
 * (`RATE_LIMIT_ROTATIONS=2O`) stops start-up instead of silently meaning the default.
 * checkConfiguration() reads every such variable once at start-up, so requests never throw.
 */
export function envInteger(name: string, { fallback, min = 0, max = Number.MAX_SAFE_INTEGER }: EnvIntegerOptions, env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}
