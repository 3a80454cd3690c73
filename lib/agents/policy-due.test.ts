import { describe, expect, it } from "vitest";
import { DAY_MS, dueAt, overdueAgents, policyDaysFor, reminderText, type PolicySet } from "./policy-due";

const NOW = Date.UTC(2026, 11, 4, 12);
const SET_AT = NOW - 5 * DAY_MS;

function policies(operatorWide: number | null, own: [number, number][] = []): PolicySet & { setAt: () => number } {
  return { operatorWide, byAgent: new Map(own), setAt: () => SET_AT };
}

describe("policy due times", () => {
  it("counts a key from its last recorded rotation, else from the agent's creation", () => {
    const rotated = {
      id: 1,
      createdAt: NOW - 400 * DAY_MS,
      lastRotation: { at: NOW - 10 * DAY_MS, sessionLabel: "a" },
    };
    const created = { id: 2, createdAt: NOW - 40 * DAY_MS, lastRotation: null };
    expect(dueAt(rotated, 30, SET_AT)).toBe(NOW + 20 * DAY_MS);
    expect(dueAt(created, 30, SET_AT)).toBe(NOW - 10 * DAY_MS);
  });

  it("makes a key of unknown age due from when the policy was set", () => {
    expect(dueAt({ id: 3, createdAt: null, lastRotation: null }, 30, SET_AT)).toBe(SET_AT);
  });

  it("lets an agent's own policy win over the operator-wide one, and no policy means never due", () => {
    expect(policyDaysFor(policies(90, [[7, 7]]), 7)).toBe(7);
    expect(policyDaysFor(policies(90, [[7, 7]]), 8)).toBe(90);
    expect(policyDaysFor(policies(null), 8)).toBeNull();
  });

  it("lists the overdue agents oldest due first, with their key age; exactly at the due time is due", () => {
    const agents = [
      { id: 1, createdAt: NOW - 29 * DAY_MS, lastRotation: null },
      { id: 2, createdAt: NOW - 30 * DAY_MS, lastRotation: null },
      { id: 3, createdAt: NOW - 94 * DAY_MS, lastRotation: null },
      { id: 4, createdAt: NOW - 94 * DAY_MS, lastRotation: { at: NOW - DAY_MS, sessionLabel: "policy" } },
      { id: 5, createdAt: null, lastRotation: null },
    ];
    const due = overdueAgents(agents, policies(30), NOW);
    expect(due.map((agent) => agent.agentId)).toEqual([3, 5, 2]);
    expect(due[0]).toEqual({ agentId: 3, dueAt: NOW - 64 * DAY_MS, everyDays: 30, keyAgeDays: 94 });
    expect(due[1]?.keyAgeDays).toBeNull();
    expect(overdueAgents(agents, policies(null), NOW)).toEqual([]);
    expect(overdueAgents(agents, policies(null, [[1, 7]]), NOW).map((agent) => agent.agentId)).toEqual([1]);
  });

  it("words the reminder an agent without a host gets", () => {
    expect(reminderText({ keyAgeDays: 94, everyDays: 30 })).toBe("Key is 94 days old (policy: every 30 days)");
    expect(reminderText({ keyAgeDays: 1, everyDays: 1 })).toBe("Key is 1 day old (policy: every day)");
    expect(reminderText({ keyAgeDays: null, everyDays: 30 })).toBe("Key age is unknown (policy: every 30 days)");
  });
});
