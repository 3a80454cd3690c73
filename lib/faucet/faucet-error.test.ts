import { describe, expect, it, vi } from "vitest";
import { FaucetError, isFaucetError } from "./faucet-error";

describe("isFaucetError", () => {
  it("recognises an error thrown by another copy of the module, as another Next bundle would hold", async () => {
    vi.resetModules();
    const otherCopy = await import("./faucet-error");
    const foreign = new otherCopy.FaucetError("timeout", "The faucet did not answer within 3 s.");
    expect(foreign).not.toBeInstanceOf(FaucetError);
    expect(isFaucetError(foreign)).toBe(true);
  });

  it("refuses look-alikes: plain errors, names and plain objects", () => {
    const named = Object.assign(new Error("x"), { name: "FaucetError", kind: "timeout" });
    expect([named, new Error("x"), { kind: "timeout" }, null, "FaucetError"].some(isFaucetError)).toBe(false);
  });
});
