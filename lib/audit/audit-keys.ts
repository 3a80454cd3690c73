import "server-only";
import { createPrivateKey, createPublicKey, hkdfSync, type KeyObject } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { ConfigError, env, parseSecretMap, secretsOf } from "@/lib/config/env";
import { resolveSessionPasswords } from "@/lib/config/session-secret";

/**
 * The audit log's keys, none of them in the database: an HMAC-SHA256 key that links each
 * chain's rows and signs retention's anchors, and an Ed25519 key that signs the checkpoints
 * written outside the store. Both are derived with HKDF-SHA256, each under its own label,
 * from AUDIT_KEY or, when it is unset, from SESSION_SECRET (so a console that has a session
 * secret, the embedded faucet's generated one included, needs nothing more).
 *
 * Every secret of a map (AUDIT_KEY or SESSION_SECRET as {"2":"new","1":"old"}) gives a key
 * with its own id; the highest id of the source in use writes, every id verifies. Rows,
 * anchors and checkpoints name the key id they were made with.
 */
export type AuditKey = {
  /** "audit-<n>" from AUDIT_KEY's entry n, "session-<n>" derived from SESSION_SECRET's entry n. */
  id: string;
  mac: Buffer;
  signing: KeyObject;
  verifying: KeyObject;
};

export type AuditKeyring = { current: AuditKey; byId: ReadonlyMap<string, AuditKey> };

const MAC_LABEL = "faucet-console audit chain hmac-sha256 v1";
const SIGNING_LABEL = "faucet-console audit checkpoint ed25519 v1";
/** PKCS#8 DER header of an Ed25519 private key; the 32-byte seed follows. */
const ED25519_PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

function derive(secret: string, label: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), Buffer.alloc(0), label, 32));
}

export function auditKeyFromSecret(id: string, secret: string): AuditKey {
  const signing = createPrivateKey({
    key: Buffer.concat([ED25519_PKCS8_PREFIX, derive(secret, SIGNING_LABEL)]),
    format: "der",
    type: "pkcs8",
  });
  return { id, mac: derive(secret, MAC_LABEL), signing, verifying: createPublicKey(signing) };
}

/** AUDIT_KEY: one secret of at least 32 characters, or a JSON map of numeric ids to secrets (rotation). */
export function parseAuditKey(value: string): Record<string, string> {
  return parseSecretMap("AUDIT_KEY", value);
}

function keysOf(prefix: "audit" | "session", secrets: Record<string, string>): AuditKey[] {
  return Object.entries(secrets)
    .sort(([a], [b]) => Number(b) - Number(a))
    .map(([id, secret]) => auditKeyFromSecret(`${prefix}-${id}`, secret));
}

/**
 * The keyring. With AUDIT_KEY set it writes with AUDIT_KEY's highest id and still verifies
 * what was written under SESSION_SECRET's keys before AUDIT_KEY was set; without it, it
 * writes with SESSION_SECRET's (generated once into the data dir for the embedded faucet,
 * unless `verifyOnly`: audit:verify never creates a secret).
 */
export function resolveAuditKeyring(
  env: Record<string, string | undefined>,
  dataDir: string,
  { verifyOnly = false } = {},
): AuditKeyring {
  const generated = path.join(dataDir, "session-secret");
  const hasSessionSecret =
    Boolean(env.SESSION_SECRET?.trim()) || existsSync(generated) || (!verifyOnly && !env.FAUCET_API_URL?.trim());
  // A generated secret is read (or made) as the session store does, whatever FAUCET_API_URL says.
  const sessionKeys = () =>
    hasSessionSecret
      ? keysOf(
          "session",
          resolveSessionPasswords(
            { ...env, FAUCET_API_URL: env.SESSION_SECRET?.trim() ? env.FAUCET_API_URL : undefined },
            dataDir,
          ),
        )
      : [];
  const audit = env.AUDIT_KEY?.trim() ? keysOf("audit", parseAuditKey(env.AUDIT_KEY)) : [];
  const session = sessionKeys();
  const [current] = audit.length > 0 ? audit : session;
  if (!current) {
    throw new ConfigError(
      `no audit key: set AUDIT_KEY (or SESSION_SECRET) as the console has it, or CONSOLE_DATA_DIR to the console's data dir (there is no ${generated})`,
    );
  }
  return { current, byId: new Map([...session, ...audit].map((key) => [key.id, key])) };
}

/**
 * One start-up line when the checkpoints sit beside what they protect: without AUDIT_KEY the
 * signing key derives from SESSION_SECRET, and when that is the secret generated into the data
 * dir, or the checkpoint file is in the data dir too, whoever can read or write the data dir can
 * re-sign or rewrite checkpoints. They then only stand against a writer of the database alone.
 * Null when AUDIT_KEY is set, or SESSION_SECRET is configured and the file lies elsewhere.
 */
export function checkpointsBesideStoreNotice(
  env: Record<string, string | undefined>,
  dataDir: string,
  checkpointFile: string,
): string | null {
  if (env.AUDIT_KEY?.trim()) return null;
  const generatedSecret = !env.SESSION_SECRET?.trim();
  const relative = path.relative(path.resolve(dataDir), path.resolve(checkpointFile));
  const fileInDataDir = relative !== "" && !relative.startsWith("..") && !path.isAbsolute(relative);
  if (!generatedSecret && !fileInDataDir) return null;
  const where = [
    generatedSecret ? `the audit key derives from the session secret generated into ${dataDir}` : null,
    fileInDataDir ? `the checkpoint file ${checkpointFile} is inside it` : null,
  ]
    .filter(Boolean)
    .join(" and ");
  return `Audit checkpoints only protect against a writer of the database alone: AUDIT_KEY is unset, ${where}. Set AUDIT_KEY and an AUDIT_CHECKPOINT_FILE outside ${dataDir} (shipped where the database's writers cannot rewrite it) to anchor the log outside them.`;
}

const globalForAudit = globalThis as { auditKeyring?: AuditKeyring };

/** The process's keyring, resolved once (start-up has already checked the configuration). */
export function auditKeyring(): AuditKeyring {
  globalForAudit.auditKeyring ??= resolveAuditKeyring(secretsOf(), env().dataDir);
  return globalForAudit.auditKeyring;
}
