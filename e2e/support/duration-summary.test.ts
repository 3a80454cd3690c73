import { describe, expect, it } from "vitest";
import { durationSummary } from "./duration-summary";

describe("durationSummary", () => {
  const tests = [
    { title: "a", file: "one.spec.ts", durationMs: 1_000 },
    { title: "b", file: "two.spec.ts", durationMs: 30_400 },
    { title: "c", file: "one.spec.ts", durationMs: 2_600 },
  ];

  it("starts with the sum of per-test durations, rounded to seconds, and the wall time", () => {
    expect(durationSummary(tests, 65_000)[0]).toBe("sum of test durations: 34 s over 3 test runs (wall time 65.0 s)");
  });

  it("lists the slowest tests, then the spec files by the sum of their tests, slowest first", () => {
    expect(durationSummary(tests, 0, 2).slice(1)).toEqual([
      "slowest 2 tests:",
      "    30.4 s  two.spec.ts › b",
      "     2.6 s  one.spec.ts › c",
      "costliest 2 spec files (sum of their test durations):",
      "    30.4 s  two.spec.ts",
      "     3.6 s  one.spec.ts",
    ]);
  });

  it("says so for a run with no tests", () => {
    expect(durationSummary([], 1_000)).toEqual([
      "sum of test durations: 0 s over 0 test runs (wall time 1.0 s)",
      "slowest 0 tests:",
      "costliest 0 spec files (sum of their test durations):",
    ]);
  });
});
