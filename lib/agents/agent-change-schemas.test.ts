import { describe, expect, it } from "vitest";
import {
  amountFieldSchema,
  createAgentFieldsSchema,
  fieldErrorsOf,
  setAgentBudgetSchema,
} from "./agent-change-schemas";

function errorsOf(input: { name: string; description: string; budget: string }) {
  const parsed = createAgentFieldsSchema.safeParse(input);
  return parsed.success ? null : fieldErrorsOf(parsed.error);
}

describe("the create-agent form", () => {
  it("reads an empty budget and 0 as unlimited, and an empty description as none", () => {
    expect(createAgentFieldsSchema.parse({ name: "  scout ", description: " ", budget: "" })).toEqual({
      name: "scout",
      description: undefined,
      budget: null,
    });
    expect(createAgentFieldsSchema.parse({ name: "scout", description: "finds", budget: "0" }).budget).toBeNull();
    expect(createAgentFieldsSchema.parse({ name: "scout", description: "", budget: " 2500 " }).budget).toBe(2500);
  });

  it.each([
    [{ name: "", description: "", budget: "" }, { name: "Enter a name." }],
    [{ name: "   ", description: "", budget: "" }, { name: "Enter a name." }],
    [{ name: "x".repeat(101), description: "", budget: "" }, { name: "The name can be at most 100 characters." }],
    [
      { name: "a", description: "d".repeat(501), budget: "" },
      { description: "The description can be at most 500 characters." },
    ],
    [{ name: "a", description: "", budget: "-5" }, { budget: "The budget cannot be negative." }],
    [
      { name: "a", description: "", budget: "1.5" },
      { budget: "The budget must be a whole number of sats (digits only)." },
    ],
    [
      { name: "a", description: "", budget: "1e3" },
      { budget: "The budget must be a whole number of sats (digits only)." },
    ],
    [
      { name: "a", description: "", budget: "abc" },
      { budget: "The budget must be a whole number of sats (digits only)." },
    ],
    [{ name: "a", description: "", budget: "99999999999999999999" }, { budget: "The budget is too large." }],
    [
      { name: "", description: "", budget: "-1" },
      { name: "Enter a name.", budget: "The budget cannot be negative." },
    ],
  ])("gives each bad field its own message: %j", (input, expected) => {
    expect(errorsOf(input)).toEqual(expected);
  });
});

describe("amounts and budgets", () => {
  it("needs at least 1 sat to fund", () => {
    expect(amountFieldSchema.safeParse("").error?.issues[0]?.message).toBe("Enter the amount.");
    expect(amountFieldSchema.safeParse("0").error?.issues[0]?.message).toBe("The amount must be at least 1 sat.");
    expect(amountFieldSchema.parse("21")).toBe(21);
  });

  it("refuses a negative, fractional or unsafe budget sent straight to the action", () => {
    for (const budgetLimitSats of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN, "10"]) {
      expect(setAgentBudgetSchema.safeParse({ agentId: 1, budgetLimitSats }).success).toBe(false);
    }
    expect(setAgentBudgetSchema.parse({ agentId: 1, budgetLimitSats: null }).budgetLimitSats).toBeNull();
  });
});
