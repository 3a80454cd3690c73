import "server-only";
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * The hand-off's cryptography. The token (256 random bits, base64url) travels only in the
 * link's fragment; the store keeps its SHA-256 and the key sealed with AES-256-GCM under
 * HKDF-SHA256(token, salt = hand-off id), the id, agent and expiry bound as associated data,
 * so the store alone can open nothing and a row moved to another id, agent or expiry will not open.
 */

const HKDF_INFO = "faucet-console hand-off aes-256-gcm v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const HANDOFF_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

export function newHandoffId(): string {
  return randomBytes(16).toString("base64url");
}

export function newHandoffToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashHandoffToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("base64url");
}

/** Whether token hashes to storedHash, compared in constant time (both are SHA-256 digests). */
export function tokenMatches(token: string, storedHash: string): boolean {
  const given = createHash("sha256").update(token, "utf8").digest();
  const stored = Buffer.from(storedHash, "base64url");
  return stored.length === given.length && timingSafeEqual(given, stored);
}

export type SealBinding = { id: string; agentId: number; expiresAt: Date };

function associatedData({ id, agentId, expiresAt }: SealBinding): Buffer {
  return Buffer.from(`${id}|${agentId}|${expiresAt.getTime()}`, "utf8");
}

function keyFor(token: string, id: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(token, "utf8"), Buffer.from(id, "utf8"), HKDF_INFO, 32));
}

/** iv | tag | ciphertext, base64url. */
export function sealHandoffKey(apiKey: string, token: string, binding: SealBinding): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyFor(token, binding.id), iv);
  cipher.setAAD(associatedData(binding));
  const ciphertext = Buffer.concat([cipher.update(apiKey, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url");
}

/** The key, or null when the token, the binding or the box does not fit. */
export function openHandoffKey(sealed: string, token: string, binding: SealBinding): string | null {
  const box = Buffer.from(sealed, "base64url");
  if (box.length <= IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyFor(token, binding.id), box.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(binding));
    decipher.setAuthTag(box.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(box.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}
