import { accessSync, chmodSync, constants, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "./config-error";

/** Where the console keeps its own files (the generated session secret, the embedded store): CONSOLE_DATA_DIR or ./.data. */
export function consoleDataDir(): string {
  return process.env.CONSOLE_DATA_DIR?.trim() || path.join(process.cwd(), ".data");
}

/** Group and other permission bits: none may be set on anything under the data dir. */
export const NOT_OWNER_BITS = 0o077;

/**
 * Makes `dir` (and any missing parent) exist, owned by this process's user alone (0700), and
 * writable: the console never relies on another feature, or an operator, having made it first.
 * A directory the console cannot make so stops start-up, naming it and CONSOLE_DATA_DIR, rather
 * than letting every request fail later.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // An existing directory (an older console, an operator's mkdir) is tightened too.
    if ((statSync(dir).mode & NOT_OWNER_BITS) !== 0) chmodSync(dir, 0o700);
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new ConfigError(
      `the data directory ${dir} cannot be created as a private, writable directory (${reason}). Make it writable by the user running the console, or set CONSOLE_DATA_DIR to a directory that is.`,
    );
  }
}
