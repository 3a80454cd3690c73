import { describe, expect, it } from "vitest";
import { DEFAULT_VIEW } from "@/lib/agents/agents-view";
import { isSelected, NOTHING_SELECTED, selectedCount, toggled, type Selection } from "./selection";

const agent = (id: number) => ({ id, name: `Agent ${id}`, isActive: true, lastRotation: null });

describe("selection", () => {
  it("ticks and unticks agents one by one", () => {
    let selection = toggled(toggled(NOTHING_SELECTED, agent(1)), agent(2));
    expect(selectedCount(selection)).toBe(2);
    selection = toggled(selection, agent(1));
    expect([isSelected(selection, 1), isSelected(selection, 2)]).toEqual([false, true]);
  });

  it("'all matching' counts the view's matches minus the unticked, without listing them", () => {
    let selection: Selection = { kind: "all", view: DEFAULT_VIEW, matching: 10_000, except: new Set() };
    expect(selectedCount(selection)).toBe(10_000);
    selection = toggled(selection, agent(9_999));
    expect(selectedCount(selection)).toBe(9_999);
    expect(isSelected(selection, 9_999)).toBe(false);
    expect(isSelected(selection, 1)).toBe(true);
    expect(selectedCount(toggled(selection, agent(9_999)))).toBe(10_000);
  });
});
