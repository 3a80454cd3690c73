import { withAgentCooldown } from "@/lib/session/cooldowns";
import type { SessionCookie } from "@/lib/session/session-data";
import { cookieBytes, COOKIE_LIMIT_BYTES, sealSession } from "@/lib/session/session-seal";

export type CookieCapacity = { emptyBytes: number; bytesPerCooldown: number; capacity: number };

/**
 * Figure 6, counted by sealing for real with the console's own session code: how many agent
 * cooldowns fit in the session cookie (name, value and attributes) under 4096 bytes, and what
 * each costs. Agent ids up to 16383 (2-byte varints, the common case); the session id and the key to its row (the operator key lives in the store).
 */
export async function measureCookieCapacity(): Promise<CookieCapacity> {
  const passwords = { "1": "bench-session-secret-0123456789-abcdefghijklmnop" };
  const now = Date.now();
  let session: SessionCookie = {
    sessionId: "AAAAAAAAAAAAAAAAAAAAAA",
    sessionKey: Buffer.alloc(32, 7).toString("base64url"),
    operatorCooldownUntil: now + 3_600_000,
    agentCooldowns: [],
  };
  const emptyBytes = cookieBytes(await sealSession(session, passwords));
  for (let count = 1; ; count++) {
    const next = withAgentCooldown(session, { agentId: 1000 + count * 7, until: now + 1_800_000 + count * 1000, fingerprint: "9f3a" }, now);
    const bytes = cookieBytes(await sealSession(next, passwords));
    if (bytes > COOKIE_LIMIT_BYTES) {
      const capacity = count - 1;
      const fullBytes = cookieBytes(await sealSession(session, passwords));
      return { emptyBytes, bytesPerCooldown: (fullBytes - emptyBytes) / capacity, capacity };
    }
    session = next;
  }
}
