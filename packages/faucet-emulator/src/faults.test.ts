import { describe, expect, it } from "vitest";
import { createFaultController } from "./faults";

describe("fault controller", () => {
  it("is off by default", () => {
    expect(createFaultController().take("whoami")).toBeNull();
  });

  it("limits faults to the listed actions, and never to an unreadable action", () => {
    const faults = createFaultController();
    faults.set({ failWithStatus: 502, actions: ["withdraw"] });
    expect(faults.take("whoami")).toBeNull();
    expect(faults.take(null)).toBeNull();
    expect(faults.take("withdraw")?.failWithStatus).toBe(502);
  });

  it("affects only the next N matching requests", () => {
    const faults = createFaultController();
    faults.set({ malformedJson: true, times: 2, actions: ["whoami"] });
    expect(faults.take("list_agents")).toBeNull();
    expect(faults.take("whoami")).not.toBeNull();
    expect(faults.take("whoami")).not.toBeNull();
    expect(faults.take("whoami")).toBeNull();
  });

  it("treats {} as clearing, and rejects unknown fault names", () => {
    const faults = createFaultController();
    faults.set({ latencyMs: 5 });
    faults.set({});
    expect(faults.take("whoami")).toBeNull();
    expect(() => faults.set({ latency: 5 } as never)).toThrow();
  });
});

describe("operator-scoped faults", () => {
  it("affect only the listed operators, beside the unscoped faults, which they take precedence over", () => {
    const faults = createFaultController();
    faults.set({ failWithStatus: 502 });
    faults.set({ failWithStatus: 503, operatorIds: [7] });
    expect(faults.take("whoami", 7)?.failWithStatus).toBe(503);
    expect(faults.take("whoami", 8)?.failWithStatus).toBe(502);
    expect(faults.take("whoami", null)?.failWithStatus).toBe(502);
    faults.set({});
    expect(faults.take("whoami", 8)).toBeNull();
    expect(faults.take("whoami", 7)?.failWithStatus).toBe(503);
  });

  it("count times per operator, and are cleared by { operatorIds } alone", () => {
    const faults = createFaultController();
    faults.set({ malformedJson: true, times: 1, operatorIds: [1, 2] });
    expect(faults.take("whoami", 1)).not.toBeNull();
    expect(faults.take("whoami", 1)).toBeNull();
    expect(faults.take("whoami", 2)).not.toBeNull();
    faults.set({ latencyMs: 5, operatorIds: [3] });
    faults.set({ operatorIds: [3] });
    expect(faults.take("whoami", 3)).toBeNull();
  });

  it("fall back to the unscoped faults when their action filter does not match", () => {
    const faults = createFaultController();
    faults.set({ failWithStatus: 502 });
    faults.set({ failWithStatus: 503, actions: ["list_agents"], operatorIds: [4] });
    expect(faults.take("whoami", 4)?.failWithStatus).toBe(502);
    faults.clear();
    expect(faults.take("list_agents", 4)).toBeNull();
  });
});
