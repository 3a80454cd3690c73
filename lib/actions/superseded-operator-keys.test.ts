import { describe, expect, it } from "vitest";
import { isSupersededOperatorKey, recordOperatorKey } from "./superseded-operator-keys";

describe("superseded operator keys", () => {
  it("flags a session still holding the key a moment-ago rotation replaced", () => {
    recordOperatorKey(41, "lf_new", 1_000);
    expect(isSupersededOperatorKey(41, "lf_old", 2_000)).toBe(true);
    expect(isSupersededOperatorKey(41, "lf_new", 2_000)).toBe(false);
    expect(isSupersededOperatorKey(42, "lf_any", 2_000)).toBe(false);
  });

  it("forgets after the race window, so a key obtained elsewhere later still works", () => {
    recordOperatorKey(43, "lf_rotated_here", 0);
    expect(isSupersededOperatorKey(43, "lf_recovered_elsewhere", 5 * 60 * 1000 + 1)).toBe(false);
  });

  it("takes a newer key signed in with as the current one", () => {
    recordOperatorKey(44, "lf_rotated_here", 0);
    recordOperatorKey(44, "lf_recovered_elsewhere", 10);
    expect(isSupersededOperatorKey(44, "lf_recovered_elsewhere", 20)).toBe(false);
  });
});
