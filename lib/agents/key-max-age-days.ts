import { envInteger } from "@/lib/config/env-number";

/**
 * KEY_MAX_AGE_DAYS: a key older than this many days is flagged (default 90, 1 to 3650).
 * A bad value is a ConfigError: checkConfiguration() reads it at start-up, so requests never throw.
 */
export function keyMaxAgeDays(env: Readonly<Record<string, string | undefined>> = process.env): number {
  return envInteger("KEY_MAX_AGE_DAYS", { fallback: 90, min: 1, max: 3650 }, env);
}
