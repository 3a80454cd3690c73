import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AgentRow } from "./agents-view";
import { shapeAgents } from "./shape-agents";
import { viewSchema } from "./view-params";

const row = (
  id: number,
  name: string,
  balanceSats: number,
  isActive = true,
  cooldownUntil: number | null = null,
): AgentRow => ({
  id,
  name,
  budgetLimitSats: null,
  balanceSats,
  isActive,
  cooldownUntil,
  rotatedKeyTail: null,
  lastRotation: null,
  createdAt: null,
  flags: [],
});
const rows = [
  row(1, "agent-10", 500),
  row(2, "agent-2", 100, false),
  row(3, "Scraper", 900, true, 50),
  row(4, "alpha", 100),
];
const view = (overrides: object) => viewSchema.parse(overrides);
const ids = (shaped: AgentRow[]) => shaped.map((agent) => agent.id);

describe("shapeAgents", () => {
  it("sorts names naturally, case-insensitively", () => {
    expect(ids(shapeAgents(rows, view({})))).toEqual([2, 1, 4, 3]);
  });

  it("sorts by balance then name, in either direction", () => {
    expect(ids(shapeAgents(rows, view({ sort: "balance" })))).toEqual([2, 4, 1, 3]);
    expect(ids(shapeAgents(rows, view({ sort: "balance", dir: "desc" })))).toEqual([3, 1, 4, 2]);
  });

  it("Keys past their policy keeps the agents policy-standing names, searched and sorted as any filter", () => {
    const past = new Set([3, 4, 99]);
    expect(ids(shapeAgents(rows, view({ filter: "past-policy" }), past))).toEqual([4, 3]);
    expect(ids(shapeAgents(rows, view({ filter: "past-policy", q: "alp" }), past))).toEqual([4]);
    expect(ids(shapeAgents(rows, view({ filter: "past-policy", sort: "balance", dir: "desc" }), past))).toEqual([3, 4]);
    // Not read (no policy data): nothing is past a policy, rather than everything.
    expect(shapeAgents(rows, view({ filter: "past-policy" }))).toEqual([]);
    // Other filters ignore it.
    expect(ids(shapeAgents(rows, view({ filter: "inactive" }), past))).toEqual([2]);
  });

  it("filters by state and searches names and exact ids", () => {
    expect(ids(shapeAgents(rows, view({ filter: "inactive" })))).toEqual([2]);
    expect(ids(shapeAgents(rows, view({ filter: "cooldown" })))).toEqual([3]);
    expect(ids(shapeAgents(rows, view({ q: "SCRA" })))).toEqual([3]);
    expect(ids(shapeAgents(rows, view({ q: "#4" })))).toEqual([4]);
  });

  it("shows under Needs attention exactly the rows with a flag", () => {
    const flagged = [{ ...row(5, "Loose", 0), flags: [{ kind: "no-budget" as const }] }, ...rows];
    expect(ids(shapeAgents(flagged, view({ filter: "attention" })))).toEqual([5]);
  });

  it("sorts by key age: the last rotation, else creation; unknown ages count as the oldest", () => {
    const DAY = 86_400_000;
    const aged = [
      { ...row(1, "b", 0), createdAt: 10 * DAY },
      { ...row(2, "a", 0), createdAt: 1 * DAY, lastRotation: { at: 20 * DAY, sessionLabel: "s" } },
      { ...row(3, "c", 0), createdAt: 5 * DAY },
      row(4, "d", 0),
    ];
    expect(ids(shapeAgents(aged, view({ sort: "key-age", dir: "desc" })))).toEqual([4, 3, 1, 2]);
    expect(ids(shapeAgents(aged, view({ sort: "key-age" })))).toEqual([2, 1, 3, 4]);
  });

  it("property: every filter keeps a subset, and every sort is a permutation ordered by its key", () => {
    const flag = fc.constantFrom({ kind: "no-budget" as const }, { kind: "inactive-funds" as const, balanceSats: 5 });
    const arbitraryRow = fc.record({
      id: fc.integer({ min: 1, max: 50 }),
      name: fc.string({ maxLength: 6 }),
      balanceSats: fc.integer({ min: 0, max: 1000 }),
      isActive: fc.boolean(),
      cooldownUntil: fc.option(fc.integer({ min: 1, max: 10 })),
      createdAt: fc.option(fc.integer({ min: 0, max: 1e12 })),
      lastRotation: fc.option(fc.record({ at: fc.integer({ min: 0, max: 1e12 }), sessionLabel: fc.constant("s") })),
      flags: fc.array(flag, { maxLength: 2 }),
    });
    const rowsArb = fc
      .uniqueArray(arbitraryRow, { selector: (agent) => agent.id, maxLength: 30 })
      .map((list) => list.map((agent): AgentRow => ({ ...agent, budgetLimitSats: null, rotatedKeyTail: null })));
    const viewArb = fc.record({
      q: fc.constantFrom("", "a", "#3"),
      sort: fc.constantFrom("name", "balance", "cooldown", "key-age"),
      dir: fc.constantFrom("asc", "desc"),
      filter: fc.constantFrom("all", "active", "inactive", "cooldown", "attention"),
    });
    fc.assert(
      fc.property(rowsArb, viewArb, (list, rawView) => {
        const shaped = shapeAgents(list, view(rawView));
        expect(new Set(ids(shaped)).size).toBe(shaped.length);
        for (const agent of shaped) expect(list).toContain(agent);
        if (rawView.filter === "attention") expect(shaped.every((agent) => agent.flags.length > 0)).toBe(true);
        if (rawView.filter === "all" && rawView.q === "") expect(shaped.length).toBe(list.length);
        if (rawView.sort === "key-age") {
          const ages = shaped.map((agent) => agent.lastRotation?.at ?? agent.createdAt ?? Number.NEGATIVE_INFINITY);
          for (let i = 1; i < ages.length; i++) {
            if (rawView.dir === "asc") expect(ages[i - 1]!).toBeGreaterThanOrEqual(ages[i]!);
            else expect(ages[i - 1]!).toBeLessThanOrEqual(ages[i]!);
          }
        }
      }),
    );
  });

  it("turns bad URL values into defaults", () => {
    expect(view({ sort: "evil", filter: 3, q: "x".repeat(500) })).toEqual({
      q: "",
      sort: "name",
      dir: "asc",
      filter: "all",
    });
  });
});
