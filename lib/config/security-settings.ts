import { readConsoleOrigin } from "./console-origin";
import { envInteger } from "./env-number";

/**
 * Every number the security rules read from the environment, through envInteger, so a
 * typo stops start-up (checkConfiguration calls readSecuritySettings once) instead of
 * silently meaning the default.
 */
export type SecuritySettings = {
  /** Proxies in front of the console that append to X-Forwarded-For; 0 ignores the header. */
  trustedProxyHops: number;
  /** CONSOLE_ORIGIN: the public origin an Origin header must equal; null compares with Host instead. */
  consoleOrigin: string | null;
  signInsPerClient: number;
  /** The per-instance backstop for sign-ins from all clients together. */
  signInsPerInstance: number;
  rotationsPerOperator: number;
  /** Calls of bulk runs per operator and minute: an incident rotates or freezes many agents at once. */
  bulkCallsPerOperator: number;
  agentChangesPerOperator: number;
  /** Demo mode: calls to the embedded faucet's HTTP endpoint without a key, per client address and minute. */
  demoKeylessCallsPerClient: number;
  demoMaxOperators: number;
  demoMaxAgentsPerOperator: number;
};

export function readSecuritySettings(env: NodeJS.ProcessEnv = process.env): SecuritySettings {
  return {
    trustedProxyHops: envInteger("TRUSTED_PROXY_HOPS", { fallback: 0, max: 10 }, env),
    consoleOrigin: readConsoleOrigin(env),
    signInsPerClient: envInteger("RATE_LIMIT_SIGN_INS", { fallback: 10, min: 1 }, env),
    signInsPerInstance: envInteger("RATE_LIMIT_SIGN_INS_GLOBAL", { fallback: 100, min: 1 }, env),
    rotationsPerOperator: envInteger("RATE_LIMIT_ROTATIONS", { fallback: 20, min: 1 }, env),
    bulkCallsPerOperator: envInteger("RATE_LIMIT_BULK_CALLS", { fallback: 6000, min: 1 }, env),
    agentChangesPerOperator: envInteger("RATE_LIMIT_AGENT_CHANGES", { fallback: 60, min: 1 }, env),
    demoKeylessCallsPerClient: envInteger("FAUCET_DEMO_KEYLESS_CALLS", { fallback: 20, min: 1 }, env),
    demoMaxOperators: envInteger("FAUCET_DEMO_MAX_OPERATORS", { fallback: 1000, min: 1 }, env),
    demoMaxAgentsPerOperator: envInteger("FAUCET_DEMO_MAX_AGENTS", { fallback: 1000, min: 1 }, env),
  };
}

const globalForSettings = globalThis as { securitySettings?: SecuritySettings };

/** Read once per process; start-up has already validated them. */
export function securitySettings(): SecuritySettings {
  globalForSettings.securitySettings ??= readSecuritySettings();
  return globalForSettings.securitySettings;
}
