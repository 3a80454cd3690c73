import { randomBytes } from "node:crypto";
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ConfigError } from "@/lib/config/config-error";
import { ensurePrivateDir } from "@/lib/config/data-dir";

export const MIN_SECRET_LENGTH = 32;

/** iron-session's password map: the highest id seals, every id unseals (secret rotation). */
export type SessionPasswords = Record<string, string>;

/**
 * SESSION_SECRET is either one secret or, to rotate it without signing everyone out,
 * a JSON map such as {"2":"<new>","1":"<old>"}.
 */
export function parseSessionSecret(value: string): SessionPasswords {
  const trimmed = value.trim();
  let passwords: SessionPasswords;
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new ConfigError('SESSION_SECRET starts with "{" but is not valid JSON. Use a secret, or a map like {"2":"new…","1":"old…"}.');
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError("SESSION_SECRET as JSON must be an object mapping numeric ids to secrets.");
    }
    passwords = {};
    for (const [id, secret] of Object.entries(parsed)) {
      if (!/^\d+$/.test(id) || typeof secret !== "string") {
        throw new ConfigError("SESSION_SECRET as JSON must map numeric ids to secret strings.");
      }
      passwords[id] = secret;
    }
    if (Object.keys(passwords).length === 0) throw new ConfigError("SESSION_SECRET as JSON holds no secret.");
  } else {
    passwords = { "1": trimmed };
  }
  for (const [id, secret] of Object.entries(passwords)) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(
        `SESSION_SECRET${Object.keys(passwords).length > 1 ? ` (id ${id})` : ""} is ${secret.length} characters; it must be at least ${MIN_SECRET_LENGTH}. Generate one with: openssl rand -base64 48`,
      );
    }
  }
  return passwords;
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
    if (code !== "ENOENT") throw new ConfigError(`the session secret ${file} cannot be read (${code ?? String(error)}). Fix its permissions, or set SESSION_SECRET.`);
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
