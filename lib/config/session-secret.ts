import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError, ensurePrivateDir, parseSecretMap } from "./env";

/** iron-session's password map: the highest id seals, every id unseals (secret rotation). */
export type SessionPasswords = Record<string, string>;

/**
 * SESSION_SECRET is either one secret or, to rotate it without signing everyone out,
 * a JSON map such as {"2":"<new>","1":"<old>"}.
 */
export function parseSessionSecret(value: string): SessionPasswords {
  return parseSecretMap("SESSION_SECRET", value);
}

/**
 * With the embedded faucet a newcomer should not have to configure anything, so a random
 * secret is made once and kept under the data dir. Against a real faucet the operator
 * must choose the secret: several instances have to share it.
 */
export function resolveSessionPasswords(env: Record<string, string | undefined>, dataDir: string): SessionPasswords {
  if (env.SESSION_SECRET?.trim()) return parseSessionSecret(env.SESSION_SECRET);
  if (env.FAUCET_API_URL?.trim()) {
    throw new ConfigError(
      "SESSION_SECRET is required when FAUCET_API_URL is set (at least 32 characters; the same value on every instance).",
    );
  }
  ensurePrivateDir(dataDir);
  const file = path.join(dataDir, "session-secret");
  try {
    return parseSessionSecret(readFileSync(file, "utf8"));
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== "ENOENT")
      throw new ConfigError(
        `the session secret ${file} cannot be read (${code ?? String(error)}). Fix its permissions, or set SESSION_SECRET.`,
      );
  }
  // Written whole to a temp file, then linked into place: a second process starting at the
  // same moment sees either no file or the complete secret, never an empty one, and a link
  // that loses the race keeps the winner's secret.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(temp, randomBytes(48).toString("base64url"), { mode: 0o600 });
  try {
    linkSync(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(temp);
  }
  return parseSessionSecret(readFileSync(file, "utf8"));
}
