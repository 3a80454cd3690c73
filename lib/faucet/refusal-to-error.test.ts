import { describe, expect, it } from "vitest";
import { refusalToError } from "./refusal-to-error";

describe("refusalToError", () => {
  it("reads an error_code named like Object.prototype's members as unknown, falling back to the wording", () => {
    for (const code of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const error = refusalToError(
        { success: false, error_code: code, error: "API key not recognised." } as Parameters<typeof refusalToError>[0],
        0,
      );
      expect(error.kind, code).toBe("invalid_key");
    }
  });

  it.each([
    [
      { error_code: "unknown_action", error: "Unknown action: set_budget." },
      "unknown_action",
      "This faucet does not support that action.",
    ],
    [{ error: "Unknown action" }, "unknown_action", "This faucet does not support that action."],
    [
      { error_code: "insufficient_balance", error: "x" },
      "invalid_request",
      "The faucet refused: the balance is too small for this amount.",
    ],
    [
      { error: "Insufficient agent balance: 5 sats required" },
      "invalid_request",
      "The faucet refused: the balance is too small for this amount.",
    ],
    [
      { error_code: "budget_exceeded", error: "x" },
      "invalid_request",
      "The faucet refused: the payment would exceed the agent's budget.",
    ],
    [{ error_code: "inactive", error: "x" }, "invalid_request", "The faucet refused: the agent is deactivated."],
    [
      { error_code: "invalid_request", error: "invoice has no amount: send amount_sats with it." },
      "invalid_request",
      "The faucet refused the amount as invalid.",
    ],
    // A refusal that merely names the budget field is not a budget overrun.
    [
      { error_code: "invalid_request", error: "updates.budget_limit_sats must not be null" },
      "invalid_request",
      "The faucet refused the request as invalid.",
    ],
  ])("maps %j to %s with our own message", (refusal, kind, message) => {
    const error = refusalToError({ success: false, ...refusal }, 0);
    expect(error.kind).toBe(kind);
    expect(error.message).toBe(message);
  });
});
