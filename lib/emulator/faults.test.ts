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
