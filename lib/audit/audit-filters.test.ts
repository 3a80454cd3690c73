import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auditFiltersQuery, parseAuditCursor, parseAuditFilters } from "./audit-filters";

describe("the audit filters in a URL", () => {
  it("keeps good values", () => {
    const filters = parseAuditFilters(
      new URLSearchParams(
        "agent=12&action=rotate_agent_key&outcome=unknown&from=2026-11-01&to=2026-11-30&batch=00000000-0000-4000-8000-000000000000",
      ),
    );
    expect(filters).toEqual({
      agent: 12,
      action: "rotate_agent_key",
      outcome: "unknown",
      from: "2026-11-01",
      to: "2026-11-30",
      batch: "00000000-0000-4000-8000-000000000000",
    });
    expect(parseAuditFilters(new URLSearchParams(auditFiltersQuery(filters)))).toEqual(filters);
  });

  it("drops each bad value on its own: impossible days, negative or fractional agents, repeats, arrays, unknown words", () => {
    expect(
      parseAuditFilters(
        new URLSearchParams("agent=-1&action=drop_table&outcome=constructor&from=2026-02-30&to=2026-13-01&batch=nope"),
      ),
    ).toEqual({});
    expect(parseAuditFilters(new URLSearchParams("agent=1.5&action=sign_in&action=sign_out&from=2026-11-30"))).toEqual({
      from: "2026-11-30",
    });
    expect(
      parseAuditFilters({ agent: ["1", "2"], outcome: "ok", __proto__: "x" } as Record<string, string | string[]>),
    ).toEqual({ outcome: "ok" });
    // A range that ends before it starts keeps its start.
    expect(parseAuditFilters(new URLSearchParams("from=2026-11-30&to=2026-11-01"))).toEqual({ from: "2026-11-30" });
  });

  it("never throws, whatever the query string", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.constantFrom("agent", "action", "outcome", "from", "to", "batch", "cursor", "x"), fc.string()),
          { maxLength: 8 },
        ),
        (pairs) => {
          const params = new URLSearchParams(pairs);
          const filters = parseAuditFilters(params);
          expect(typeof filters).toBe("object");
          const cursor = parseAuditCursor(params.get("cursor"));
          expect(cursor === null || (Number.isSafeInteger(cursor) && cursor > 0)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
