import "server-only";
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  verify,
  type KeyObject,
} from "node:crypto";

/**
 * A host's cryptography (issue 23), all node:crypto, mirrored by public/handoff/receive.mjs.
 *
 * Sealing: an ephemeral X25519 key pair per envelope; the shared secret with the host's X25519
 * public key goes through HKDF-SHA256 (salt = ephemeral public | host public) into an AES-256-GCM
 * key; the agent id, rotation id and host id are the associated data, so an envelope moved to
 * another agent, rotation or host will not open. Only the host's private key opens it.
 *
 * Signing: every host request carries an Ed25519 signature over its method, path, host id, time,
 * nonce and body hash (see signedRequestText); the console checks it with the enrolled public key.
 */

export const HKDF_INFO = "faucet-console host envelope aes-256-gcm v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A raw 32-byte public key, base64url (X25519 or Ed25519). */
export const PUBLIC_KEY_PATTERN = /^[A-Za-z0-9_-]{43}$/;
export const HOST_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;
export const NONCE_PATTERN = /^[A-Za-z0-9_-]{22,64}$/;
/** An Ed25519 signature: 64 bytes, base64url. */
export const SIGNATURE_PATTERN = /^[A-Za-z0-9_-]{86}$/;

export function newHostId(): string {
  return randomBytes(16).toString("base64url");
}

function publicKeyOf(curve: "X25519" | "Ed25519", raw: string): KeyObject | null {
  if (!PUBLIC_KEY_PATTERN.test(raw)) return null;
  try {
    return createPublicKey({ key: { kty: "OKP", crv: curve, x: raw }, format: "jwk" });
  } catch {
    return null;
  }
}

/** Whether raw is a usable public key of that curve (checked at enrolment, so sealing cannot fail later). */
export function isPublicKey(curve: "X25519" | "Ed25519", raw: string): boolean {
  return publicKeyOf(curve, raw) !== null;
}

export type EnvelopeBinding = { agentId: number; rotationId: string; hostId: string };

function associatedData({ agentId, rotationId, hostId }: EnvelopeBinding): Buffer {
  return Buffer.from(`${agentId}|${rotationId}|${hostId}`, "utf8");
}

function envelopeKey(shared: Buffer, ephemeralPublic: string, hostPublic: string): Buffer {
  const salt = Buffer.concat([Buffer.from(ephemeralPublic, "base64url"), Buffer.from(hostPublic, "base64url")]);
  return Buffer.from(hkdfSync("sha256", shared, salt, HKDF_INFO, 32));
}

export type SealedEnvelope = { ephemeralPublicKey: string; sealedKey: string };

/** Seals apiKey to the host's X25519 public key. Throws only for a key that is not one (refused at enrolment). */
export function sealToHost(apiKey: string, hostSealingKey: string, binding: EnvelopeBinding): SealedEnvelope {
  const hostKey = publicKeyOf("X25519", hostSealingKey);
  if (!hostKey) throw new Error("the host's sealing key is not an X25519 public key");
  const ephemeral = generateKeyPairSync("x25519");
  const ephemeralPublicKey = ephemeral.publicKey.export({ format: "jwk" }).x!;
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: hostKey });
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", envelopeKey(shared, ephemeralPublicKey, hostSealingKey), iv);
  cipher.setAAD(associatedData(binding));
  const ciphertext = Buffer.concat([cipher.update(apiKey, "utf8"), cipher.final()]);
  return { ephemeralPublicKey, sealedKey: Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64url") };
}

/**
 * Opens an envelope with the host's private key (raw 32 bytes base64url, as receive.mjs keeps it):
 * the receiver's own code, here for the tests. Null when anything does not fit.
 */
export function openEnvelope(
  envelope: SealedEnvelope,
  host: { sealingPrivateKey: string; sealingPublicKey: string },
  binding: EnvelopeBinding,
): string | null {
  try {
    const privateKey = createPrivateKey({
      key: { kty: "OKP", crv: "X25519", x: host.sealingPublicKey, d: host.sealingPrivateKey },
      format: "jwk",
    });
    const ephemeral = publicKeyOf("X25519", envelope.ephemeralPublicKey);
    const box = Buffer.from(envelope.sealedKey, "base64url");
    if (!ephemeral || box.length <= IV_BYTES + TAG_BYTES) return null;
    const shared = diffieHellman({ privateKey, publicKey: ephemeral });
    const decipher = createDecipheriv(
      "aes-256-gcm",
      envelopeKey(shared, envelope.ephemeralPublicKey, host.sealingPublicKey),
      box.subarray(0, IV_BYTES),
    );
    decipher.setAAD(associatedData(binding));
    decipher.setAuthTag(box.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(box.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

export type SignedRequestParts = {
  method: string;
  /** The URL's path and query, as sent. */
  path: string;
  hostId: string;
  /** Epoch ms, decimal. */
  time: string;
  nonce: string;
  body: string;
};

/** What a host signs: one line per part, the body as its SHA-256 (receive.mjs builds the same text). */
export function signedRequestText({ method, path, hostId, time, nonce, body }: SignedRequestParts): Buffer {
  const bodyHash = createHash("sha256").update(body, "utf8").digest("base64url");
  return Buffer.from(
    ["faucet-console host request v1", method.toUpperCase(), path, hostId, time, nonce, bodyHash].join("\n"),
    "utf8",
  );
}

/** Whether signature (base64url) is the host's Ed25519 signature of these parts. */
export function signatureMatches(signingPublicKey: string, parts: SignedRequestParts, signature: string): boolean {
  if (!SIGNATURE_PATTERN.test(signature)) return false;
  const key = publicKeyOf("Ed25519", signingPublicKey);
  if (!key) return false;
  try {
    return verify(null, signedRequestText(parts), key, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}
