/**
 * Packs agent cooldowns into a short base64url string for the session cookie.
 *
 * Why binary: the sealed cookie must stay under 4096 bytes, and sealing inflates the
 * JSON by about 1.8×. As JSON (`"1234":1764460000000`) an entry costs ~21 bytes and only
 * ~100 fit; packed it costs 8 bytes (2-byte varint id up to 16383, 4-byte end in epoch
 * seconds, 2-byte key fingerprint) and well over 200 fit (measured in the tests and bench).
 */
export type AgentCooldown = {
  agentId: number;
  /** Epoch ms, rounded down to the second. */
  until: number;
  /** Last four hex characters of the new key, or null when the key's tail is not hex. */
  fingerprint: string | null;
};

const NO_FINGERPRINT = 0xffff; // "ffff" is a valid tail too; it then shows as no fingerprint, which is harmless.

function writeVarint(bytes: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest & 0x7f) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
}

function readVarint(bytes: Uint8Array, start: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = start; i < bytes.length && i < start + 5; i++) {
    const byte = bytes[i] ?? 0;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return { value, next: i + 1 };
    scale *= 0x80;
  }
  return null;
}

export function encodeCooldowns(cooldowns: readonly AgentCooldown[]): string {
  const bytes: number[] = [];
  for (const { agentId, until, fingerprint } of cooldowns) {
    writeVarint(bytes, agentId);
    const seconds = Math.floor(until / 1000);
    bytes.push((seconds >>> 24) & 0xff, (seconds >>> 16) & 0xff, (seconds >>> 8) & 0xff, seconds & 0xff);
    const tail = fingerprint === null ? NO_FINGERPRINT : parseInt(fingerprint, 16);
    bytes.push((tail >>> 8) & 0xff, tail & 0xff);
  }
  return Buffer.from(bytes).toString("base64url");
}

/** Decodes what encodeCooldowns wrote; anything malformed decodes to the entries read so far. */
export function decodeCooldowns(packed: string): AgentCooldown[] {
  const bytes = new Uint8Array(Buffer.from(packed, "base64url"));
  const cooldowns: AgentCooldown[] = [];
  let at = 0;
  while (at < bytes.length) {
    const id = readVarint(bytes, at);
    if (!id || id.next + 6 > bytes.length) break;
    const b = (i: number) => bytes[id.next + i] ?? 0;
    const seconds = ((b(0) << 24) >>> 0) + (b(1) << 16) + (b(2) << 8) + b(3);
    const tail = (b(4) << 8) + b(5);
    cooldowns.push({
      agentId: id.value,
      until: seconds * 1000,
      fingerprint: tail === NO_FINGERPRINT ? null : tail.toString(16).padStart(4, "0"),
    });
    at = id.next + 6;
  }
  return cooldowns;
}

/** The part of a key an operator can compare at a glance, as Stripe and others show it. */
export function keyFingerprint(apiKey: string): string | null {
  const tail = apiKey.slice(-4).toLowerCase();
  return /^[0-9a-f]{4}$/.test(tail) ? tail : null;
}
