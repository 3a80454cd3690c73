import { describe, expect, it } from "vitest";
import { formatUtcTime } from "./format-utc-time";

describe("formatUtcTime", () => {
  const at = Date.UTC(2026, 10, 29, 9, 5, 7, 900);

  it("writes hours and minutes in UTC, zero-padded", () => {
    expect(formatUtcTime(at)).toBe("09:05 UTC");
  });

  it("adds seconds when asked, without rounding up", () => {
    expect(formatUtcTime(at, { seconds: true })).toBe("09:05:07 UTC");
  });
});
