import { describe, expect, it } from "vitest";
import { pastPolicyIds } from "./policy-standing";

describe("Keys past their policy", () => {
  it("keeps the agents past their policy and those a policy run left for a person, once each", () => {
    const overdue = [
      { agentId: 3, dueAt: 1, everyDays: 30, keyAgeDays: 40 },
      { agentId: 5, dueAt: 2, everyDays: 30, keyAgeDays: null },
    ];
    expect([...pastPolicyIds({ overdue, needsPerson: [5, 8] })].sort((a, b) => a - b)).toEqual([3, 5, 8]);
    expect(pastPolicyIds({ overdue: [], needsPerson: [] }).size).toBe(0);
  });
});
