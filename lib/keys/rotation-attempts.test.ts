import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useFreshProcessStore } from "@/e2e/support/process-store";
import { beginRotationAttempt, finishRotationAttempt, latestRotations, ROTATED_ELSEWHERE_WINDOW_MS, type AttemptRequest } from "./rotation-attempts";

let operatorCounter = 0;

function attempt(operatorId: number, overrides: Partial<AttemptRequest> = {}): AttemptRequest {
  return {
    attemptId: randomUUID(),
    operatorId,
    target: "agent:7",
    sessionLabel: "aaaa1111",
    instanceId: "test",
    knownRotationAt: null,
    ownAttemptId: null,
    abandonedAfterMs: 15_000,
    ...overrides,
  };
}

async function commit(attemptId: string, at: number) {
  await finishRotationAttempt(attemptId, { status: "committed", keyFingerprint: "agent_…9f3a", cooldownUntil: at + 1_800_000 }, at);
}

describe.each(["pglite", "postgres"] as const)("the rotation guard on %s", (engine) => {
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    cleanup = await useFreshProcessStore(engine, inject("storeDatabaseUrl"));
  });
  afterAll(() => cleanup());

  it("of twenty confirmations at the same instant, one begins and the others hear 'rotated elsewhere'", async () => {
    const operatorId = 1000 + operatorCounter++;
    let calls = 0;
    const confirm = async () => {
      const request = attempt(operatorId);
      const verdict = await beginRotationAttempt(request);
      if (verdict.kind !== "begun") return verdict.kind;
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 50));
      await commit(request.attemptId, Date.now());
      return "begun";
    };
    const verdicts = await Promise.all(Array.from({ length: 20 }, confirm));
    expect(calls).toBe(1);
    expect(verdicts.filter((verdict) => verdict === "begun")).toHaveLength(1);
    expect(verdicts.filter((verdict) => verdict === "rotated_elsewhere")).toHaveLength(19);
  });

  it("lets a confirmation that knew of the last rotation through, and names the rotation it did not know of", async () => {
    const operatorId = 1000 + operatorCounter++;
    const first = attempt(operatorId, { sessionLabel: "first111" });
    await beginRotationAttempt(first);
    const committedAt = Date.now();
    await commit(first.attemptId, committedAt);
    const unaware = await beginRotationAttempt(attempt(operatorId));
    expect(unaware).toMatchObject({ kind: "rotated_elsewhere", last: { attemptId: first.attemptId, at: committedAt, sessionLabel: "first111" } });
    expect(await beginRotationAttempt(attempt(operatorId, { knownRotationAt: committedAt }))).toEqual({ kind: "begun" });
  });

  it("never counts the confirmer's own earlier attempt: 'Rotate again' after a lost reply always begins", async () => {
    const operatorId = 1000 + operatorCounter++;
    const lost = attempt(operatorId);
    await beginRotationAttempt(lost);
    await commit(lost.attemptId, Date.now());
    expect(await beginRotationAttempt(attempt(operatorId, { ownAttemptId: lost.attemptId }))).toEqual({ kind: "begun" });
  });

  it("refuses nothing past the 15 s window, and nothing after an attempt whose outcome is unknown", async () => {
    const operatorId = 1000 + operatorCounter++;
    const old = attempt(operatorId);
    const longAgo = Date.now() - ROTATED_ELSEWHERE_WINDOW_MS - 1_000;
    await beginRotationAttempt({ ...old, now: () => longAgo });
    await commit(old.attemptId, longAgo);
    const unknown = attempt(operatorId);
    expect(await beginRotationAttempt(unknown)).toEqual({ kind: "begun" });
    await finishRotationAttempt(unknown.attemptId, { status: "outcome_unknown" });
    expect(await beginRotationAttempt(attempt(operatorId))).toEqual({ kind: "begun" });
  });

  it("waits for an attempt in flight, but not for one abandoned by a dead instance", async () => {
    const operatorId = 1000 + operatorCounter++;
    await beginRotationAttempt(attempt(operatorId));
    const started = Date.now();
    expect(await beginRotationAttempt(attempt(operatorId, { abandonedAfterMs: 300 }))).toEqual({ kind: "begun" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
  });

  it("refuses a replayed confirmation (same attempt id) without a second call", async () => {
    const operatorId = 1000 + operatorCounter++;
    const request = attempt(operatorId);
    expect(await beginRotationAttempt(request)).toEqual({ kind: "begun" });
    await finishRotationAttempt(request.attemptId, { status: "refused" });
    expect(await beginRotationAttempt(request)).toEqual({ kind: "duplicate" });
  });

  it("keeps the latest committed rotation of each target, for the timers of every tab", async () => {
    const operatorId = 1000 + operatorCounter++;
    const base = Date.now() - 10_000;
    for (const [target, offset] of [["agent:1", 1_000], ["agent:1", 2_000], ["operator", 3_000]] as const) {
      const request = attempt(operatorId, { target, knownRotationAt: Date.now() + 60_000 });
      await beginRotationAttempt(request);
      await commit(request.attemptId, base + offset);
    }
    const latest = await latestRotations(operatorId);
    expect([...latest.keys()].sort()).toEqual(["agent:1", "operator"]);
    expect(latest.get("agent:1")).toMatchObject({ at: base + 2_000, keyFingerprint: "agent_…9f3a", cooldownUntil: base + 2_000 + 1_800_000 });
    expect(latest.get("operator")?.at).toBe(base + 3_000);
  });
});
