import { env, loadEnv, type EnvSource } from "@/lib/config/env";

/** KEY_MAX_AGE_DAYS (lib/config/env.ts; default 90, 1 to 3650): a key older than this many days is flagged. */
export function keyMaxAgeDays(source?: EnvSource): number {
  return (source ? loadEnv(source) : env()).keyMaxAgeDays;
}
