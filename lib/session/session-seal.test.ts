import { sealData } from "iron-session";
import { afterEach, describe, expect, it, vi } from "vitest";
import { withAgentCooldown } from "./cookie-cooldowns";
import type { SessionCookie } from "./session-data";
import { cookieBytes, COOKIE_LIMIT_BYTES, sealSession, SESSION_TTL_SECONDS, unsealSession } from "./session-seal";

afterEach(() => {
  vi.useRealTimers();
});

const OLD = { "1": "o".repeat(32) };
const ROTATED = { "2": "n".repeat(40), "1": "o".repeat(32) };
const NOW = Date.UTC(2026, 10, 29, 12);

const session: SessionCookie = {
  sessionId: "AAAAAAAAAAAAAAAAAAAAAA",
  sessionKey: Buffer.alloc(32, 7).toString("base64url"),
  operatorCooldownUntil: NOW + 3_600_000,
  agentCooldowns: [{ agentId: 4, until: NOW + 1_800_000, keyTail: "9f3a" }],
};

/**
 * How many distinct agent cooldowns fit in one cookie, counted by sealing for real, for the
 * ids `agentId(n)` gives the n-th cooldown (distinct ones).
 */
async function capacity(agentId: (n: number) => number): Promise<{ count: number; bytesPerCooldown: number }> {
  let current = { ...session, agentCooldowns: [] as SessionCookie["agentCooldowns"] };
  const empty = cookieBytes(await sealSession(current, OLD));
  for (let n = 1; ; n++) {
    const next = withAgentCooldown(
      current,
      { agentId: agentId(n), until: NOW + 1_800_000 + n * 1000, keyTail: "abcd" },
      NOW,
    );
    const bytes = cookieBytes(await sealSession(next, OLD));
    if (bytes > COOKIE_LIMIT_BYTES) return { count: n - 1, bytesPerCooldown: (bytes - empty) / n };
    current = next;
  }
}

const MAX_AGENT_ID = 2 ** 31 - 1;
/** Ids spread over the whole id range by a fixed-step walk (distinct for the first thousands; a repeat would only lower the count). */
const spreadId = (n: number) => 1 + ((n * 1_234_567_891) % (MAX_AGENT_ID - 1));

describe("session seal", () => {
  it("holds no faucet key: only the session id, the key to its row, and timers", async () => {
    const seal = await sealSession(session, OLD);
    expect(Object.keys((await unsealSession(seal, OLD)) ?? {}).sort()).toEqual([
      "agentCooldowns",
      "operatorCooldownUntil",
      "sessionId",
      "sessionKey",
    ]);
  });

  it("round-trips a session", async () => {
    expect(await unsealSession(await sealSession(session, OLD), OLD)).toEqual(session);
  });

  it("still opens a cookie sealed with secret 1 after secret 2 is added, and seals new ones with 2", async () => {
    const sealedWithOld = await sealSession(session, OLD);
    expect(await unsealSession(sealedWithOld, ROTATED)).toEqual(session);
    const sealedWithNew = await sealSession(session, ROTATED);
    expect(sealedWithNew).toContain("*2*");
    expect(await unsealSession(sealedWithNew, OLD)).toBeNull();
  });

  it("reads tampered, truncated, foreign and garbage cookies as signed out", async () => {
    const seal = await sealSession(session, OLD);
    const flipped = seal.slice(0, 60) + (seal[60] === "A" ? "B" : "A") + seal.slice(61);
    const foreign = await sealData({ user: "someone" }, { password: OLD });
    for (const bad of [flipped, seal.slice(0, seal.length / 2), foreign, "garbage", "Fe26.2**", ""]) {
      expect(await unsealSession(bad, OLD)).toBeNull();
    }
    expect(await unsealSession(seal, { "1": "x".repeat(32) })).toBeNull();
  });

  it("reads a cookie of the previous shape (v 2, absolute cooldown packing) as signed out, not as garbage cooldowns", async () => {
    const v2 = {
      v: 2,
      id: session.sessionId,
      sk: session.sessionKey,
      ac: Buffer.from([1, 0x69, 0x2b, 0x9d, 0x60, 0xab, 0xcd]).toString("base64url"),
    };
    expect(await unsealSession(await sealData(v2, { password: OLD, ttl: SESSION_TTL_SECONDS }), OLD)).toBeNull();
  });

  it("expires with its ttl: a copied cookie stops working after 12 hours", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    const seal = await sealSession(session, OLD);
    vi.setSystemTime(NOW + SESSION_TTL_SECONDS * 1000 - 120_000);
    expect(await unsealSession(seal, OLD)).toEqual(session);
    // iron allows 60 s of clock skew past the expiry.
    vi.setSystemTime(NOW + SESSION_TTL_SECONDS * 1000 + 120_000);
    expect(await unsealSession(seal, OLD)).toBeNull();
  });

  it("fits at least 200 agent cooldowns in one cookie, for ids spread over 1…2^31−1 and for the largest ids", async () => {
    const spread = await capacity(spreadId);
    expect(spread.count).toBeGreaterThanOrEqual(200);
    expect(spread.bytesPerCooldown).toBeLessThan(19);
    const largest = await capacity((n) => MAX_AGENT_ID + 1 - n);
    expect(largest.count).toBeGreaterThanOrEqual(200);
  });
});

describe("session cookie name", () => {
  it("carries the __Host- prefix in production only", async () => {
    const { sessionCookieName } = await import("./session-seal");
    expect(sessionCookieName("production")).toBe("__Host-fc_session");
    expect(sessionCookieName("development")).toBe("fc_session");
    expect(sessionCookieName("test")).toBe("fc_session");
  });
});
