import { describe, expect, it } from "vitest";
import { generateAgentKey, generateOperatorKey, generateRecoveryCode, hashSecret } from "./keys";

describe("keys", () => {
  it("generates operator and agent keys with the contract's prefixes and 128 bits of hex", () => {
    expect(generateOperatorKey()).toMatch(/^lf_[0-9a-f]{32}$/);
    expect(generateAgentKey()).toMatch(/^agent_[0-9a-f]{32}$/);
  });

  it("generates 24-character base32 recovery codes", () => {
    for (let i = 0; i < 50; i++) expect(generateRecoveryCode()).toMatch(/^[A-Z2-7]{24}$/);
  });

  it("never repeats a key", () => {
    const keys = new Set(Array.from({ length: 2000 }, generateOperatorKey));
    expect(keys.size).toBe(2000);
  });

  it("hashes with sha-256 hex", () => {
    expect(hashSecret("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
