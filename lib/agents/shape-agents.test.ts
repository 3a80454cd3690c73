import { describe, expect, it } from "vitest";
import type { AgentRow } from "./agents-view";
import { shapeAgents } from "./shape-agents";
import { viewSchema } from "./view-params";

const row = (id: number, name: string, balanceSats: number, isActive = true, cooldownUntil: number | null = null): AgentRow => ({
  id,
  name,
  budgetLimitSats: null,
  balanceSats,
  isActive,
  cooldownUntil,
  rotatedKeyTail: null,
  lastRotation: null,
});
const rows = [row(1, "agent-10", 500), row(2, "agent-2", 100, false), row(3, "Scraper", 900, true, 50), row(4, "alpha", 100)];
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

  it("filters by state and searches names and exact ids", () => {
    expect(ids(shapeAgents(rows, view({ filter: "inactive" })))).toEqual([2]);
    expect(ids(shapeAgents(rows, view({ filter: "cooldown" })))).toEqual([3]);
    expect(ids(shapeAgents(rows, view({ q: "SCRA" })))).toEqual([3]);
    expect(ids(shapeAgents(rows, view({ q: "#4" })))).toEqual([4]);
  });

  it("turns bad URL values into defaults", () => {
    expect(view({ sort: "evil", filter: 3, q: "x".repeat(500) })).toEqual({ q: "", sort: "name", dir: "asc", filter: "all" });
  });
});
