import { describe, expect, it } from "vitest";
import { formatCountdown } from "./format-countdown";

describe("formatCountdown", () => {
  it.each([
    [30 * 60_000, "30:00"],
    [29 * 60_000 + 41_000, "29:41"],
    [400, "00:01"],
    [0, "00:00"],
    [-5_000, "00:00"],
    [60 * 60_000, "1:00:00"],
  ])("formats %i ms as %s", (ms, text) => {
    expect(formatCountdown(ms)).toBe(text);
  });
});
