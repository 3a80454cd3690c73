import { describe, expect, it } from "vitest";
import { newSessionKey, openOperatorKey, sealOperatorKey } from "./operator-key-box";

const KEY = "lf_0123456789abcdef0123456789abcdef";

describe("operator key box", () => {
  it("opens with the session's key and id, and holds no plaintext", () => {
    const sessionKey = newSessionKey();
    const box = sealOperatorKey(KEY, sessionKey, "s1");
    expect(box).not.toContain("0123456789abcdef");
    expect(Buffer.from(box, "base64url").toString("latin1")).not.toContain("lf_");
    expect(openOperatorKey(box, sessionKey, "s1")).toBe(KEY);
  });

  it("does not open with another key, another session id, or a flipped byte", () => {
    const sessionKey = newSessionKey();
    const box = sealOperatorKey(KEY, sessionKey, "s1");
    expect(openOperatorKey(box, newSessionKey(), "s1")).toBeNull();
    expect(openOperatorKey(box, sessionKey, "s2")).toBeNull();
    const bytes = Buffer.from(box, "base64url");
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(openOperatorKey(bytes.toString("base64url"), sessionKey, "s1")).toBeNull();
    expect(openOperatorKey("", sessionKey, "s1")).toBeNull();
    expect(openOperatorKey(box, Buffer.alloc(3), "s1")).toBeNull();
  });

  it("seals the same key differently each time (random iv)", () => {
    const sessionKey = newSessionKey();
    expect(sealOperatorKey(KEY, sessionKey, "s1")).not.toBe(sealOperatorKey(KEY, sessionKey, "s1"));
  });
});
