import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resetEnv } from "@/lib/config/env";
import { openArmedKey, sealArmedKey } from "./policy-arming";

/** The worker's copy of an operator key: sealed under the server's secret, bound to its operator. */
describe("policy arming", () => {
  const saved = process.env.SESSION_SECRET;
  const reset = () => {
    resetEnv();
    delete (globalThis as { sessionPasswords?: unknown }).sessionPasswords;
  };
  beforeEach(() => {
    process.env.SESSION_SECRET = "arming-test-session-secret-0123456789-abcdef";
    reset();
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.SESSION_SECRET;
    else process.env.SESSION_SECRET = saved;
    reset();
  });

  const KEY = "lf_4f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d";

  it("opens only for its own operator and holds no trace of the key", () => {
    const { sealed, keyId } = sealArmedKey(KEY, 7);
    expect(sealed).not.toContain(KEY.slice(-8));
    expect(openArmedKey(sealed, keyId, 7)).toBe(KEY);
    expect(openArmedKey(sealed, keyId, 8), "another operator's row").toBeNull();
    const tampered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BB" : "AA");
    expect(openArmedKey(tampered, keyId, 7)).toBeNull();
  });

  it("does not open without the server's secret, and keeps opening through a SESSION_SECRET rotation", () => {
    const { sealed, keyId } = sealArmedKey(KEY, 7);
    process.env.SESSION_SECRET = "another-session-secret-entirely-0123456789";
    reset();
    expect(openArmedKey(sealed, keyId, 7), "the database without the secret").toBeNull();
    process.env.SESSION_SECRET = JSON.stringify({
      "2": "a-newer-session-secret-0123456789-abcdefgh",
      "1": "arming-test-session-secret-0123456789-abcdef",
    });
    reset();
    expect(openArmedKey(sealed, keyId, 7)).toBe(KEY);
    expect(sealArmedKey(KEY, 7).keyId, "the newest secret seals").toBe("2");
  });
});
