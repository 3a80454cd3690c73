import { describe, expect, it } from "vitest";
import { redactKeys } from "./log";

describe("redactKeys", () => {
  it("removes operator and agent keys wherever they stand", () => {
    const text = "rotated agent_0123456789abcdef0123456789abcdef for lf_fedcba9876543210fedcba9876543210.";
    expect(redactKeys(text)).toBe("rotated agent_[redacted] for lf_[redacted].");
  });

  it("leaves ordinary words alone", () => {
    expect(redactKeys("half_done agent list")).toBe("half_done agent list");
  });
});
