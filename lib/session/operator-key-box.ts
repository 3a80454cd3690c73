import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * The operator key at rest: AES-256-GCM under a random per-session key that only the
 * session cookie carries. The store holds the box, the browser holds the key to it, so a
 * stolen database alone opens nothing, and neither does a cookie whose record was deleted
 * at sign-out. The session id is bound in as associated data: a box copied onto another
 * session's row does not open.
 */
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SESSION_KEY_BYTES = 32;

export function newSessionKey(): Buffer {
  return randomBytes(SESSION_KEY_BYTES);
}

export function sealOperatorKey(operatorKey: string, sessionKey: Buffer, sessionId: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", sessionKey, iv);
  cipher.setAAD(Buffer.from(sessionId));
  const body = Buffer.concat([cipher.update(operatorKey, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** Null for anything that does not open: a wrong key, another session's box, a tampered row. */
export function openOperatorKey(box: string, sessionKey: Buffer, sessionId: string): string | null {
  const bytes = Buffer.from(box, "base64url");
  if (sessionKey.length !== SESSION_KEY_BYTES || bytes.length <= IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", sessionKey, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(sessionId));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
