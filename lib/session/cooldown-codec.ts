/**
 * Packs agent cooldowns into a short base64url string for the session cookie.
 *
 * Why binary: the sealed cookie must stay under 4096 bytes, and sealing inflates the
 * payload by about 1.8×. As JSON (`"1234":1764460000000`) an entry costs ~21 bytes and only
 * ~100 fit. Format 1, byte by byte:
 *   - one format byte (FORMAT): anything else decodes to no cooldowns;
 *   - a varint base: the earliest cooldown end, in epoch seconds, written once;
 *   - per entry, sorted by agent id: a varint id delta (the first one from 0), a varint
 *     offset of its end from the base in seconds, and a 2-byte key tail.
 * Cooldowns last minutes, so an offset takes 2 bytes; ids spread over 2^31 take 4 bytes
 * of delta at 200 entries, neighbouring ids 1. An entry costs 5–8 bytes instead of 11 with
 * absolute ids and 4-byte ends: 200+ cooldowns fit for any ids (tests and bench count it).
 */
export type AgentCooldown = {
  agentId: number;
  /** Epoch ms, rounded down to the second. */
  until: number;
  /** Last four hex characters of the new key, or null when the key's tail is not hex. */
  keyTail: string | null;
};

/** Agent ids are 32-bit signed at the faucet (lib/actions/rotate-agent-key.ts accepts no more). */
export const MAX_AGENT_ID = 2_147_483_647;
/** Bumped whenever the layout changes, so an older value reads as nothing rather than garbage. */
const FORMAT = 1;
const NO_TAIL = 0xffff; // "ffff" is a valid tail too; it then shows as no tail, which is harmless.
/** Enough 7-bit groups for any safe integer (2^53 needs 8); longer runs are malformed. */
const MAX_VARINT_BYTES = 8;

function writeVarint(bytes: number[], value: number): void {
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
}

function readVarint(bytes: Uint8Array, start: number): { value: number; next: number } | null {
  let value = 0;
  let scale = 1;
  for (let i = start; i < bytes.length && i < start + MAX_VARINT_BYTES; i++) {
    const byte = bytes[i] ?? 0;
    value += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) return Number.isSafeInteger(value) ? { value, next: i + 1 } : null;
    scale *= 0x80;
  }
  return null;
}

function isEncodable({ agentId, until }: AgentCooldown): boolean {
  return (
    Number.isInteger(agentId) &&
    agentId >= 1 &&
    agentId <= MAX_AGENT_ID &&
    Number.isFinite(until) &&
    until >= 0 &&
    until <= Number.MAX_SAFE_INTEGER
  );
}

/**
 * Entries with an id outside 1…MAX_AGENT_ID or a negative end cannot be represented and are
 * left out (the action's schema refuses such ids before any cooldown exists); of two
 * entries for one agent the later in the list wins, as withAgentCooldown keeps it.
 */
export function encodeCooldowns(cooldowns: readonly AgentCooldown[]): string {
  const byAgent = new Map<number, AgentCooldown>();
  for (const cooldown of cooldowns) if (isEncodable(cooldown)) byAgent.set(cooldown.agentId, cooldown);
  const sorted = [...byAgent.values()].sort((a, b) => a.agentId - b.agentId);
  if (sorted.length === 0) return "";
  const base = Math.min(...sorted.map((cooldown) => Math.floor(cooldown.until / 1000)));
  const bytes: number[] = [FORMAT];
  writeVarint(bytes, base);
  let previousId = 0;
  for (const { agentId, until, keyTail } of sorted) {
    writeVarint(bytes, agentId - previousId);
    writeVarint(bytes, Math.floor(until / 1000) - base);
    const tail = keyTail === null || !/^[0-9a-f]{4}$/.test(keyTail) ? NO_TAIL : parseInt(keyTail, 16);
    bytes.push((tail >>> 8) & 0xff, tail & 0xff);
    previousId = agentId;
  }
  return Buffer.from(bytes).toString("base64url");
}

/**
 * Decodes what encodeCooldowns wrote. A value of another format reads as no cooldowns;
 * a malformed or truncated one as the entries read before the damage. Never throws.
 */
export function decodeCooldowns(packed: string): AgentCooldown[] {
  const bytes = new Uint8Array(Buffer.from(packed, "base64url"));
  if (bytes[0] !== FORMAT) return [];
  const base = readVarint(bytes, 1);
  if (!base) return [];
  const cooldowns: AgentCooldown[] = [];
  let at = base.next;
  let agentId = 0;
  while (at < bytes.length) {
    const delta = readVarint(bytes, at);
    if (!delta || delta.value === 0) break;
    const offset = readVarint(bytes, delta.next);
    if (!offset || offset.next + 2 > bytes.length) break;
    agentId += delta.value;
    const seconds = base.value + offset.value;
    if (agentId > MAX_AGENT_ID || seconds * 1000 > Number.MAX_SAFE_INTEGER) break;
    const tail = ((bytes[offset.next] ?? 0) << 8) + (bytes[offset.next + 1] ?? 0);
    cooldowns.push({
      agentId,
      until: seconds * 1000,
      keyTail: tail === NO_TAIL ? null : tail.toString(16).padStart(4, "0"),
    });
    at = offset.next + 2;
  }
  return cooldowns;
}
