import { describe, expect, it } from "vitest";
import { AGENT_COOLDOWN_MS, formatCooldownLength, OPERATOR_COOLDOWN_MS } from "./cooldowns";

describe("formatCooldownLength", () => {
  it("says the documented cooldowns in minutes", () => {
    expect(formatCooldownLength(AGENT_COOLDOWN_MS)).toBe("30 minutes");
    expect(formatCooldownLength(OPERATOR_COOLDOWN_MS)).toBe("60 minutes");
  });

  it("uses the singular for one minute", () => {
    expect(formatCooldownLength(60_000)).toBe("1 minute");
  });
});
