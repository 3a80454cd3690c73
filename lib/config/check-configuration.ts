import { resolveAuditKeyring } from "@/lib/audit/audit-keys";
import { faucetTimeoutMs } from "@/lib/faucet/faucet-timeout";
import { sessionIdleMs } from "@/lib/session/session-records";
import { resolveSessionPasswords } from "@/lib/session/session-secret";
import { storeOptionsFromEnv } from "@/lib/store/open-store";
import { keyMaxAgeDays } from "@/lib/agents/key-max-age-days";
import { ConfigError } from "./config-error";
import { auditRetentionDays } from "./audit-retention-days";
import { bulkConcurrency } from "./bulk-concurrency";
import { consoleDataDir, ensurePrivateDir } from "./data-dir";
import { checkFaucetMode, describeFaucetMode } from "./faucet-mode";
import { readSecuritySettings } from "./security-settings";

export function checkConfiguration(): void {
  try {
    resolveSessionPasswords(process.env, consoleDataDir());
    resolveAuditKeyring(process.env, consoleDataDir());
    const mode = checkFaucetMode(process.env);
    readSecuritySettings(process.env);
    const store = storeOptionsFromEnv();
    // Made here, not by whichever feature happens to write there first (a fresh checkout has no .data/).
    if ("pgliteDir" in store) ensurePrivateDir(store.pgliteDir);
    faucetTimeoutMs();
    sessionIdleMs();
    auditRetentionDays(process.env);
    bulkConcurrency(process.env);
    keyMaxAgeDays(process.env);
    console.info(`Faucet Console: ${describeFaucetMode(mode)}.`);
    if (mode.kind === "remote" && process.env.NODE_ENV === "production" && !process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY) {
      // Fine for one instance; behind a load balancer every instance needs the same key.
      console.warn("Faucet Console: NEXT_SERVER_ACTIONS_ENCRYPTION_KEY is not set. Set the same value on every instance when running several.");
    }
  } catch (error) {
    stopStartingOnConfigError(error);
  }
}

/** A ConfigError stops start-up with its one line; anything else is a bug and is rethrown. */
export function stopStartingOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(`\nFaucet Console cannot start: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
