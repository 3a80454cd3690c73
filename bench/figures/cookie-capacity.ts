import { withAgentCooldown } from "@/lib/session/cookie-cooldowns";
import type { SessionCookie } from "@/lib/session/session-data";
import { cookieBytes, COOKIE_LIMIT_BYTES, sealSession } from "@/lib/session/session-seal";

export type CookieCapacity = { emptyBytes: number; bytesPerCooldown: number; capacity: number };
export type CookieCapacities = {
  /** The largest id the bench assumes a faucet hands out (a 32-bit signed integer column). */
  maxAgentId: number;
  /** Ids spread evenly at random over 1…maxAgentId (fixed seed). */
  typical: CookieCapacity;
  /**
   * The densest packing's worst case: ids 2^21 apart, so every id delta takes a 4-byte varint
   * (at most 7 of 200+ deltas over 2^31 can take 5), and every end's offset from the
   * earliest takes 2 bytes (the earliest at 1 min, the rest at the full 30 min).
   */
  worst: CookieCapacity;
  /** The largest ids (maxAgentId, maxAgentId − 1, …): neighbouring ids, 1-byte deltas. Reported. */
  largest: CookieCapacity;
};

const MAX_AGENT_ID = 2 ** 31 - 1;

/**
 * Figure 6, counted by sealing for real with the console's own session code: how many agent
 * cooldowns fit in the session cookie (name, value and attributes) under 4096 bytes, and what
 * each costs, for agent ids spread over the whole id range, for the ids that pack worst and for the largest ids, beside the session id and the key
 * to its row (the operator key itself lives in the store).
 */
export async function measureCookieCapacity(): Promise<CookieCapacities> {
  const random = seededRandom(0x5eed);
  const spread = () => 1 + Math.floor(random() * MAX_AGENT_ID);
  return {
    maxAgentId: MAX_AGENT_ID,
    typical: await capacityFor(spread, (count) => 1_800_000 + count * 1000),
    worst: await capacityFor(
      (count) => count * 2 ** 21,
      (count) => (count === 1 ? 60_000 : 1_800_000),
    ),
    largest: await capacityFor(
      (count) => MAX_AGENT_ID + 1 - count,
      (count) => 1_800_000 + count * 1000,
    ),
  };
}

/** `agentId(n)` and `endsIn(n)` (ms from now) give the n-th cooldown added. */
async function capacityFor(
  agentId: (count: number) => number,
  endsIn: (count: number) => number,
): Promise<CookieCapacity> {
  const passwords = { "1": "bench-session-secret-0123456789-abcdefghijklmnop" };
  const now = Date.now();
  let session: SessionCookie = {
    sessionId: "AAAAAAAAAAAAAAAAAAAAAA",
    sessionKey: Buffer.alloc(32, 7).toString("base64url"),
    operatorCooldownUntil: now + 3_600_000,
    agentCooldowns: [],
  };
  const used = new Set<number>();
  const emptyBytes = cookieBytes(await sealSession(session, passwords));
  for (let count = 1; ; count++) {
    let id = agentId(count);
    while (used.has(id)) id = agentId(count);
    used.add(id);
    const next = withAgentCooldown(session, { agentId: id, until: now + endsIn(count), keyTail: "9f3a" }, now);
    const bytes = cookieBytes(await sealSession(next, passwords));
    if (bytes > COOKIE_LIMIT_BYTES) {
      const capacity = count - 1;
      const fullBytes = cookieBytes(await sealSession(session, passwords));
      return { emptyBytes, bytesPerCooldown: (fullBytes - emptyBytes) / capacity, capacity };
    }
    session = next;
  }
}

/** mulberry32: the same "random" ids on every run, so runs compare. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
