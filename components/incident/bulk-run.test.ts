import { describe, expect, it } from "vitest";
import { createBulkRun, type BulkItem, type CallResult } from "./bulk-run";

const items = (count: number): BulkItem[] =>
  Array.from({ length: count }, (_, index) => ({ agentId: index + 1, name: `Agent ${index + 1}` }));
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A clock whose sleeps end when the test says so. */
function manualClock() {
  let now = 0;
  const sleepers: { until: number; resolve: () => void }[] = [];
  return {
    now: () => now,
    sleep: (ms: number, signal: AbortSignal) =>
      new Promise<void>((resolve) => {
        sleepers.push({ until: now + ms, resolve });
        signal.addEventListener("abort", () => resolve(), { once: true });
      }),
    advance(ms: number) {
      now += ms;
      for (const sleeper of sleepers.splice(0))
        if (sleeper.until <= now) sleeper.resolve();
        else sleepers.push(sleeper);
    },
  };
}

describe("bulk run", () => {
  it("never has more than `concurrency` calls in flight and sends each agent exactly once", async () => {
    let inFlight = 0;
    let most = 0;
    const sent: number[] = [];
    const run = createBulkRun({
      items: items(50),
      concurrency: 4,
      call: async (item) => {
        sent.push(item.agentId);
        inFlight++;
        most = Math.max(most, inFlight);
        await tick();
        inFlight--;
        return { ok: true, apiKey: `agent_${item.agentId}` };
      },
    });
    const result = await run.start();
    expect(most).toBe(4);
    expect(sent.sort((a, b) => a - b)).toEqual(items(50).map((item) => item.agentId));
    expect(result).toMatchObject({ done: 50, refused: 0, unknown: 0, remaining: 0, finished: true });
  });

  it("marks a failure that may have committed as unknown and never sends it again; a plain refusal is refused", async () => {
    const calls = new Map<number, number>();
    const outcome = (id: number): CallResult =>
      id % 5 === 0
        ? { ok: false, kind: "unknown", message: "lost" }
        : id % 7 === 0
          ? { ok: false, kind: "refused", message: "no" }
          : { ok: true, apiKey: "k" };
    const run = createBulkRun({
      items: items(35),
      concurrency: 3,
      call: async (item) => {
        calls.set(item.agentId, (calls.get(item.agentId) ?? 0) + 1);
        return outcome(item.agentId);
      },
    });
    const result = await run.start();
    expect([...calls.values()].every((count) => count === 1)).toBe(true);
    expect(result).toMatchObject({ unknown: 7, refused: 4, done: 24 });
    expect(run.states().get(5)).toEqual({ status: "unknown", message: "lost" });
  });

  it("a thrown call (the console did not answer) counts as unknown, not as a retry", async () => {
    let calls = 0;
    const run = createBulkRun({
      items: items(1),
      concurrency: 1,
      call: async () => (calls++, Promise.reject(new Error("network"))),
    });
    expect(await run.start()).toMatchObject({ unknown: 1 });
    expect(calls).toBe(1);
  });

  it("waits out a rate limit, then sends that agent again; other workers wait too", async () => {
    const clock = manualClock();
    const log: string[] = [];
    let limited = false;
    const run = createBulkRun({
      items: items(3),
      concurrency: 2,
      clock,
      call: async (item) => {
        log.push(`call ${item.agentId} at ${clock.now()}`);
        if (item.agentId === 1 && !limited) {
          limited = true;
          return { ok: false, kind: "rate_limited", retryAfterSeconds: 30, message: "slow down" };
        }
        return { ok: true, apiKey: "k" };
      },
    });
    const done = run.start();
    for (let i = 0; i < 5; i++) await tick();
    expect(run.progress().waitingUntil).toBe(30_000);
    clock.advance(30_000);
    const result = await done;
    expect(result).toMatchObject({ done: 3, unknown: 0, refused: 0 });
    expect(log.filter((line) => line.startsWith("call 1 "))).toEqual(["call 1 at 0", "call 1 at 30000"]);
    expect(log).toContain("call 3 at 30000");
  });

  it("after Cancel no call starts; the ones in flight finish and the rest are cancelled", async () => {
    const releases: (() => void)[] = [];
    let started = 0;
    const run = createBulkRun({
      items: items(20),
      concurrency: 4,
      call: (item) => {
        started++;
        return new Promise((resolve) => releases.push(() => resolve({ ok: true, apiKey: `agent_${item.agentId}` })));
      },
    });
    const done = run.start();
    await tick();
    expect(started).toBe(4);
    run.cancel();
    for (const release of releases.splice(0)) release();
    const result = await done;
    expect(started).toBe(4);
    expect(result).toMatchObject({ done: 4, cancelled: 16, remaining: 0, finished: true });
  });

  it("Pause holds new calls until Resume", async () => {
    let started = 0;
    const releases: (() => void)[] = [];
    const run = createBulkRun({
      items: items(6),
      concurrency: 2,
      call: () => {
        started++;
        return new Promise((resolve) => releases.push(() => resolve({ ok: true, apiKey: null })));
      },
    });
    const done = run.start();
    await tick();
    run.pause();
    for (const release of releases.splice(0)) release();
    for (let i = 0; i < 5; i++) await tick();
    expect(started).toBe(2);
    expect(run.progress()).toMatchObject({ paused: true, done: 2, remaining: 4 });
    run.resume();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) await tick();
      for (const release of releases.splice(0)) release();
    }
    expect(await done).toMatchObject({ done: 6 });
  });
});
