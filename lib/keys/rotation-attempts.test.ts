import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useFreshProcessStore } from "@/e2e/support/process-store";
import { getStore } from "@/lib/store/get-store";
import {
  claimRotationTarget,
  finishRotationAttemptIn,
  latestRotations,
  ROTATED_ELSEWHERE_WINDOW_MS,
  type AttemptOutcome,
  type AttemptRequest,
} from "./rotation-attempts";

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

/** The guard's claim in a transaction of its own, as lib/changes makes it (there beside the pending audit event). */
async function claim(request: AttemptRequest) {
  const { db } = await getStore();
  return db.transaction((tx) => claimRotationTarget(tx, request));
}

async function finish(attemptId: string, outcome: AttemptOutcome, now?: number) {
  await finishRotationAttemptIn((await getStore()).db, attemptId, outcome, now);
}

async function commit(attemptId: string, at: number) {
  await finish(attemptId, { status: "committed", keyLabel: "agent_…9f3a", cooldownUntil: at + 1_800_000 }, at);
}

describe.each(["pglite", "postgres"] as const)("the rotation guard on %s", (engine) => {
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    cleanup = await useFreshProcessStore(engine, inject("storeDatabaseUrl"));
  });
  afterAll(() => cleanup());

  it("lets a confirmation that knew of the last rotation through, and names the rotation it did not know of", async () => {
    const operatorId = 1000 + operatorCounter++;
    const first = attempt(operatorId, { sessionLabel: "first111" });
    await claim(first);
    const committedAt = Date.now();
    await commit(first.attemptId, committedAt);
    const unaware = await claim(attempt(operatorId));
    expect(unaware).toMatchObject({
      kind: "rotated_elsewhere",
      last: { attemptId: first.attemptId, at: committedAt, sessionLabel: "first111" },
    });
    expect(await claim(attempt(operatorId, { knownRotationAt: committedAt }))).toEqual({ kind: "begun" });
  });

  it("never counts the confirmer's own earlier attempt: 'Rotate again' after a lost reply always begins", async () => {
    const operatorId = 1000 + operatorCounter++;
    const lost = attempt(operatorId);
    await claim(lost);
    await commit(lost.attemptId, Date.now());
    expect(await claim(attempt(operatorId, { ownAttemptId: lost.attemptId }))).toEqual({ kind: "begun" });
  });

  it("refuses nothing past the 15 s window, and nothing after an attempt whose outcome is unknown", async () => {
    const operatorId = 1000 + operatorCounter++;
    const old = attempt(operatorId);
    const longAgo = Date.now() - ROTATED_ELSEWHERE_WINDOW_MS - 1_000;
    await claim({ ...old, now: () => longAgo });
    await commit(old.attemptId, longAgo);
    const unknown = attempt(operatorId);
    expect(await claim(unknown)).toEqual({ kind: "begun" });
    await finish(unknown.attemptId, { status: "outcome_unknown" });
    expect(await claim(attempt(operatorId))).toEqual({ kind: "begun" });
  });

  it("waits for an attempt in flight, but not for one abandoned by a dead instance", async () => {
    const operatorId = 1000 + operatorCounter++;
    await claim(attempt(operatorId));
    expect(await claim(attempt(operatorId, { abandonedAfterMs: 300 }))).toEqual({ kind: "wait" });
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect(await claim(attempt(operatorId, { abandonedAfterMs: 300 }))).toEqual({ kind: "begun" });
  });

  it("refuses a replayed confirmation (same attempt id) without a second call", async () => {
    const operatorId = 1000 + operatorCounter++;
    const request = attempt(operatorId);
    expect(await claim(request)).toEqual({ kind: "begun" });
    await finish(request.attemptId, { status: "refused" });
    expect(await claim(request)).toEqual({ kind: "duplicate" });
  });

  it("keeps the latest committed rotation of each target, for the timers of every tab", async () => {
    const operatorId = 1000 + operatorCounter++;
    const base = Date.now() - 10_000;
    for (const [target, offset] of [
      ["agent:1", 1_000],
      ["agent:1", 2_000],
      ["operator", 3_000],
    ] as const) {
      const request = attempt(operatorId, { target, knownRotationAt: Date.now() + 60_000 });
      await claim(request);
      await commit(request.attemptId, base + offset);
    }
    const latest = await latestRotations(operatorId);
    expect([...latest.keys()].sort()).toEqual(["agent:1", "operator"]);
    expect(latest.get("agent:1")).toMatchObject({
      at: base + 2_000,
      keyLabel: "agent_…9f3a",
      cooldownUntil: base + 2_000 + 1_800_000,
    });
    expect(latest.get("operator")?.at).toBe(base + 3_000);
  });
});
