import { ConfigError, resolveSessionPasswords } from "@/lib/session/session-secret";
import { consoleDataDir } from "./data-dir";

export function checkConfiguration(): void {
  try {
    resolveSessionPasswords(process.env, consoleDataDir());
    const url = process.env.FAUCET_API_URL?.trim();
    if (url && !/^https?:\/\//.test(url)) throw new ConfigError(`FAUCET_API_URL must be an http(s) URL; got "${url}".`);
    if (url && process.env.NODE_ENV === "production" && !process.env.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY) {
      // Fine for one instance; behind a load balancer every instance needs the same key.
      console.warn("Faucet Console: NEXT_SERVER_ACTIONS_ENCRYPTION_KEY is not set. Set the same value on every instance when running several.");
    }
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`\nFaucet Console cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
