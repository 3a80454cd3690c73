import { ConfigError, resolveSessionPasswords } from "@/lib/session/session-secret";
import { consoleDataDir } from "./data-dir";

export function checkConfiguration(): void {
  try {
    resolveSessionPasswords(process.env, consoleDataDir());
    const url = process.env.FAUCET_API_URL?.trim();
    if (url && !/^https?:\/\//.test(url)) throw new ConfigError(`FAUCET_API_URL must be an http(s) URL; got "${url}".`);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`\nFaucet Console cannot start: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
