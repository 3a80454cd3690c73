import { describe, expect, it } from "vitest";
import { decodeCooldowns, encodeCooldowns, keyFingerprint } from "./cooldown-codec";

describe("cooldown codec", () => {
  it("round-trips ids of every size, second-precision ends and fingerprints", () => {
    const cooldowns = [
      { agentId: 1, until: 1_764_460_000_000, fingerprint: "9f3a" },
      { agentId: 9_999, until: 1_764_461_800_000, fingerprint: null },
      { agentId: 2_147_483_647, until: 4_000_000_000_000, fingerprint: "0001" },
    ];
    expect(decodeCooldowns(encodeCooldowns(cooldowns))).toEqual(cooldowns);
  });

  it("spends 8 bytes on an entry for ids up to 16383", () => {
    const packed = encodeCooldowns([{ agentId: 16_383, until: 1_764_460_000_000, fingerprint: "abcd" }]);
    expect(Buffer.from(packed, "base64url")).toHaveLength(8);
  });

  it("decodes garbage to the entries it could read, never throwing", () => {
    const packed = encodeCooldowns([{ agentId: 5, until: 1_764_460_000_000, fingerprint: "abcd" }]);
    expect(decodeCooldowns(packed + "AAAA")).toHaveLength(1);
    expect(decodeCooldowns("!!not base64!!")).toEqual([]);
    expect(decodeCooldowns("")).toEqual([]);
  });

  it("fingerprints a key by its hex tail only", () => {
    expect(keyFingerprint("agent_0123456789abcdef0123456789ab9F3A")).toBe("9f3a");
    expect(keyFingerprint("agent_notHEX!")).toBeNull();
  });
});
