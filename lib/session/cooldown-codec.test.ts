import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { keyTail } from "@/lib/key-label";
import { decodeCooldowns, encodeCooldowns, MAX_AGENT_ID, type AgentCooldown } from "./cooldown-codec";

const NOW = 1_764_460_000_000;

const cooldownArb = fc.record({
  agentId: fc.integer({ min: 1, max: MAX_AGENT_ID }),
  // Whole seconds, as the codec keeps them; from 1970 to far beyond 2106 (no 32-bit wrap).
  until: fc.integer({ min: 0, max: 8_000_000_000 }).map((seconds) => seconds * 1000),
  keyTail: fc.option(
    fc.stringMatching(/^[0-9a-f]{4}$/).filter((tail) => tail !== "ffff"),
    { nil: null },
  ),
});
const cooldownsArb = fc.uniqueArray(cooldownArb, { selector: (cooldown) => cooldown.agentId, maxLength: 300 });

const byId = (cooldowns: readonly AgentCooldown[]) => [...cooldowns].sort((a, b) => a.agentId - b.agentId);
const packedBytes = (packed: string) => Buffer.from(packed, "base64url");

describe("cooldown codec", () => {
  it("round-trips any set of cooldowns (ids 1…2^31−1, whole-second ends, key tails), sorted by id", () => {
    fc.assert(
      fc.property(cooldownsArb, (cooldowns) => {
        expect(decodeCooldowns(encodeCooldowns(cooldowns))).toEqual(byId(cooldowns));
      }),
    );
  });

  it("rounds ends down to the second", () => {
    const [decoded] = decodeCooldowns(encodeCooldowns([{ agentId: 7, until: NOW + 999, keyTail: "abcd" }]));
    expect(decoded?.until).toBe(NOW);
  });

  it("keeps the last entry for an agent listed twice", () => {
    const twice = [
      { agentId: 3, until: NOW, keyTail: "0001" },
      { agentId: 3, until: NOW + 60_000, keyTail: "0002" },
    ];
    expect(decodeCooldowns(encodeCooldowns(twice))).toEqual([twice[1]]);
  });

  it("spends at most 8 bytes on an entry for ids spread over 2^31, and 5 on neighbouring ids", () => {
    const spread = Array.from({ length: 200 }, (_, i) => ({
      agentId: 1 + i * 10_737_418,
      until: NOW + 1_800_000 + i * 1000,
      keyTail: "abcd",
    }));
    // 1 format byte + 5 bytes of base, then the entries.
    expect(packedBytes(encodeCooldowns(spread)).length - 6).toBeLessThanOrEqual(200 * 8);
    const neighbours = Array.from({ length: 200 }, (_, i) => ({
      agentId: MAX_AGENT_ID - i,
      until: NOW + 1_800_000 + i * 1000,
      keyTail: "abcd",
    }));
    expect(packedBytes(encodeCooldowns(neighbours)).length - 6).toBeLessThanOrEqual(200 * 5 + 4);
  });

  it("accepts only agent ids 1…2^31−1: others are left out, not wrapped or mangled", () => {
    const edges = [0, -1, 1.5, MAX_AGENT_ID + 1, 2 ** 35, Number.MAX_SAFE_INTEGER, Number.NaN].map((agentId) => ({
      agentId,
      until: NOW,
      keyTail: null,
    }));
    const kept = { agentId: MAX_AGENT_ID, until: NOW, keyTail: "0fff" };
    expect(decodeCooldowns(encodeCooldowns([...edges, kept]))).toEqual([kept]);
    expect(encodeCooldowns(edges)).toBe("");
  });

  it("reads an id beyond 2^31−1 in a forged value as the end of the list, never as a wrapped id", () => {
    const forged = Buffer.from([1, 0, ...varint(2 ** 40), 0, 0xab, 0xcd]).toString("base64url");
    expect(decodeCooldowns(forged)).toEqual([]);
    const good = packedBytes(encodeCooldowns([{ agentId: MAX_AGENT_ID - 1, until: NOW, keyTail: "abcd" }]));
    // A second entry whose delta carries it past 2^31−1 ends the list after the first.
    const overflow = Buffer.concat([good, Buffer.from([2, 0, 0xab, 0xcd])]).toString("base64url");
    expect(decodeCooldowns(overflow)).toHaveLength(1);
  });

  it("decodes every truncation of a value to a prefix of its entries, never throwing", () => {
    fc.assert(
      fc.property(cooldownsArb, fc.nat(), (cooldowns, cut) => {
        const bytes = packedBytes(encodeCooldowns(cooldowns));
        const truncated = bytes.subarray(0, bytes.length === 0 ? 0 : cut % bytes.length).toString("base64url");
        const decoded = decodeCooldowns(truncated);
        expect(decoded).toEqual(byId(cooldowns).slice(0, decoded.length));
        if (decoded.length === cooldowns.length && cooldowns.length > 0)
          throw new Error("a truncated value decoded whole");
      }),
    );
  });

  it("decodes arbitrary bytes and strings without throwing, to valid ids only", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes).toString("base64url")),
          fc.string(),
        ),
        (packed) => {
          for (const { agentId, until } of decodeCooldowns(packed)) {
            expect(agentId).toBeGreaterThanOrEqual(1);
            expect(agentId).toBeLessThanOrEqual(MAX_AGENT_ID);
            expect(Number.isSafeInteger(until)).toBe(true);
          }
        },
      ),
    );
    expect(decodeCooldowns("!!not base64!!")).toEqual([]);
    expect(decodeCooldowns("")).toEqual([]);
  });

  it("reads a value of another format (the old absolute packing) as no cooldowns", () => {
    // The old format began with the first id's varint: agent 5 → byte 5.
    const oldFormat = Buffer.from([5, 0x69, 0x2b, 0x9d, 0x60, 0xab, 0xcd]).toString("base64url");
    expect(decodeCooldowns(oldFormat)).toEqual([]);
  });

  it("takes a key's hex tail only", () => {
    expect(keyTail("agent_0123456789abcdef0123456789ab9F3A")).toBe("9f3a");
    expect(keyTail("agent_notHEX!")).toBeNull();
  });
});

function varint(value: number): number[] {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  return [...bytes, rest];
}
