// The test suite's own knobs (E2E_PORT_BASE, FUZZ_CONCURRENCY); the console reads its variables through lib/config/env.ts.
import { ConfigError } from "../../lib/config/env";

type EnvIntegerOptions = { fallback: number; min?: number; max?: number };

/**
 * The one reader of whole numbers from the environment. Unset or empty means the fallback;
 * anything else that is not a whole number in range is a configuration error, so a typo
 * (`RATE_LIMIT_ROTATIONS=2O`) stops start-up instead of silently meaning the default.
 */
export function envInteger(
  name: string,
  { fallback, min = 0, max = Number.MAX_SAFE_INTEGER }: EnvIntegerOptions,
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}; got "${raw}".`);
  }
  return value;
}
