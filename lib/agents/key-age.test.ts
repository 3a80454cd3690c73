import { describe, expect, it } from "vitest";
import { agentFlags, flagLabel, formatKeyAge, keySince } from "./key-age";
import { keyMaxAgeDays } from "./key-max-age-days";

const DAY = 86_400_000;
const NOW = 1_000 * DAY;
const agent = (overrides: Partial<Parameters<typeof agentFlags>[0]> = {}) => ({
  isActive: true,
  balanceSats: 0,
  budgetLimitSats: 5_000,
  budgetLimitKnown: true,
  lastRotation: null,
  createdAt: NOW - 10 * DAY,
  ...overrides,
});

describe("key age", () => {
  it("counts from the last recorded rotation, else from the agent's creation", () => {
    expect(keySince(agent())).toBe(NOW - 10 * DAY);
    expect(keySince(agent({ lastRotation: { at: NOW - DAY, sessionLabel: "s" } }))).toBe(NOW - DAY);
    expect(keySince(agent({ createdAt: null }))).toBeNull();
  });

  it("reads as whole days", () => {
    expect(formatKeyAge(NOW - 10 * DAY, NOW)).toBe("10 days");
    expect(formatKeyAge(NOW - DAY - 5, NOW)).toBe("1 day");
    expect(formatKeyAge(NOW - 5, NOW)).toBe("Today");
    // A faucet clock slightly ahead of ours is not a negative age.
    expect(formatKeyAge(NOW + 60_000, NOW)).toBe("Today");
    expect(formatKeyAge(null, NOW)).toBe("Unknown");
  });
});

describe("flags", () => {
  it("flags an agent without a budget limit only when the faucet said so", () => {
    expect(agentFlags(agent({ budgetLimitSats: null }), NOW, 90)).toEqual([{ kind: "no-budget" }]);
    expect(agentFlags(agent({ budgetLimitSats: null, budgetLimitKnown: false }), NOW, 90)).toEqual([]);
  });

  it("flags a key older than the limit, counted in whole days, and never an unknown age", () => {
    expect(agentFlags(agent({ createdAt: NOW - 91 * DAY }), NOW, 90)).toEqual([{ kind: "old-key", maxAgeDays: 90 }]);
    expect(agentFlags(agent({ createdAt: NOW - 90 * DAY }), NOW, 90)).toEqual([]);
    expect(
      agentFlags(agent({ createdAt: NOW - 91 * DAY, lastRotation: { at: NOW - DAY, sessionLabel: "s" } }), NOW, 90),
    ).toEqual([]);
    expect(agentFlags(agent({ createdAt: null }), NOW, 0)).toEqual([]);
  });

  it("flags an inactive agent only while it holds sats", () => {
    expect(agentFlags(agent({ isActive: false, balanceSats: 1_250 }), NOW, 90)).toEqual([
      { kind: "inactive-funds", balanceSats: 1_250 },
    ]);
    expect(agentFlags(agent({ isActive: false }), NOW, 90)).toEqual([]);
    expect(agentFlags(agent({ balanceSats: 1_250 }), NOW, 90)).toEqual([]);
  });

  it("labels each flag as the table shows it", () => {
    const all = agentFlags(
      agent({ budgetLimitSats: null, createdAt: NOW - 400 * DAY, isActive: false, balanceSats: 87_000 }),
      NOW,
      90,
    );
    expect(all.map(flagLabel)).toEqual(["No budget limit", "Key older than 90 days", "Inactive, holds 87,000 sats"]);
  });
});

describe("KEY_MAX_AGE_DAYS", () => {
  it("defaults to 90 and takes a whole number of days from 1 to 3650", () => {
    expect(keyMaxAgeDays({})).toBe(90);
    expect(keyMaxAgeDays({ KEY_MAX_AGE_DAYS: " 30 " })).toBe(30);
    for (const bad of ["0", "-1", "3651", "9O", "1.5"]) {
      expect(() => keyMaxAgeDays({ KEY_MAX_AGE_DAYS: bad }), bad).toThrow(
        /KEY_MAX_AGE_DAYS must be a whole number from 1 to 3650/,
      );
    }
  });
});
