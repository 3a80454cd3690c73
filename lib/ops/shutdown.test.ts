import { describe, expect, it } from "vitest";
import { isDraining, runsInFlight, trackRun } from "@/lib/in-flight";
import { readShutdownGraceSeconds, shutDown } from "./shutdown";

const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("shutDown", () => {
  it("drains, waits for the runs in flight, then closes the store and exits 0", async () => {
    const order: string[] = [];
    const run = trackRun(after(300, "rotated").then((value) => (order.push("run settled"), value)));
    expect(runsInFlight()).toBe(1);
    await shutDown({
      graceSeconds: 5,
      flushMs: 10,
      closeStore: async () => void order.push("store closed"),
      exit: (code) => void order.push(`exit ${code}`),
    });
    expect(await run).toBe("rotated");
    expect(isDraining()).toBe(true);
    expect(order).toEqual(["run settled", "store closed", "exit 0"]);
    expect(runsInFlight()).toBe(0);
  });

  it("stops the policy worker first and closes the store only once it has let go of its jobs", async () => {
    const order: string[] = [];
    await shutDown({
      graceSeconds: 5,
      flushMs: 10,
      stopWorker: async (timeoutMs) => {
        order.push(`worker stopping within ${timeoutMs} ms`);
        await after(200, null);
        order.push("worker stopped");
      },
      closeStore: async () => void order.push("store closed"),
      exit: (code) => void order.push(`exit ${code}`),
    });
    expect(order).toEqual(["worker stopping within 5000 ms", "worker stopped", "store closed", "exit 0"]);
  });

  it("gives up after the grace period with exit 1, a run still in flight", async () => {
    const order: string[] = [];
    void trackRun(after(2_000, null));
    const started = performance.now();
    await shutDown({
      graceSeconds: 0.2,
      flushMs: 10,
      closeStore: async () => void order.push("store closed"),
      exit: (code) => void order.push(`exit ${code}`),
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(order).toEqual(["store closed", "exit 1"]);
  });

  it("reads SHUTDOWN_GRACE_SECONDS: 20 by default, whole seconds up to an hour", () => {
    expect(readShutdownGraceSeconds({})).toBe(20);
    expect(readShutdownGraceSeconds({ SHUTDOWN_GRACE_SECONDS: "5" })).toBe(5);
    expect(() => readShutdownGraceSeconds({ SHUTDOWN_GRACE_SECONDS: "soon" })).toThrow(
      "SHUTDOWN_GRACE_SECONDS must be a whole number from 0 to 3600",
    );
  });
});
