import { env, loadEnv, MAX_HANDOFF_TTL_MINUTES, type EnvSource } from "@/lib/config/env";

export { MAX_HANDOFF_TTL_MINUTES };

/** HANDOFF_TTL_MINUTES (lib/config/env.ts): how long a hand-off link can be collected (default 15, at most 1440). */
export function readHandoffTtlMinutes(source?: EnvSource): number {
  return (source ? loadEnv(source) : env()).handoffTtlMinutes;
}

/** RATE_LIMIT_HANDOFFS (lib/config/env.ts): redeem and lookup attempts per client address and minute (default 30). */
export function readHandoffRateLimit(source?: EnvSource): number {
  return (source ? loadEnv(source) : env()).security.handoffAttemptsPerClient;
}
