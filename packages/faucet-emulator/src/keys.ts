import { createHash, randomBytes } from "node:crypto";

/**
 * Key and recovery-code generation. Only `hashSecret` output is ever stored; the
 * plaintext leaves the emulator once, in the reply that issues it.
 */

export const OPERATOR_KEY_PREFIX = "lf_";
export const AGENT_KEY_PREFIX = "agent_";

/** 128 bits, lowercase hex. */
function randomHex(): string {
  return randomBytes(16).toString("hex");
}

export function generateOperatorKey(): string {
  return OPERATOR_KEY_PREFIX + randomHex();
}

export function generateAgentKey(): string {
  return AGENT_KEY_PREFIX + randomHex();
}

// RFC 4648 base32 without padding: 15 random bytes (120 bits) give exactly 24 characters,
// and the alphabet survives being read aloud or copied from paper.
const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function generateRecoveryCode(): string {
  const bytes = randomBytes(15);
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A random 32-byte payment hash, as the real faucet would return for a settled payment. */
export function randomPaymentHash(): string {
  return randomBytes(32).toString("hex");
}
