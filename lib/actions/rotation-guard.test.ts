import { describe, expect, it } from "vitest";
import { guardRotation } from "./rotation-guard";

const later = <T>(value: T, ms = 20) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("rotation guard", () => {
  it("lets one of twenty simultaneous rotations through and tells the rest it happened elsewhere", async () => {
    let calls = 0;
    const rotate = () => {
      calls++;
      return later({ value: "agent_new", cooldownUntil: 5_000_000 });
    };
    const verdicts = await Promise.all(Array.from({ length: 20 }, () => guardRotation("op1:agent:7", null, rotate, () => 1_000)));
    expect(calls).toBe(1);
    expect(verdicts.filter((verdict) => verdict.kind === "ran")).toHaveLength(1);
    expect(verdicts.filter((verdict) => verdict.kind === "rotated_elsewhere")).toHaveLength(19);
  });

  it("lets a caller who has seen the last rotation rotate again", async () => {
    await guardRotation("op1:agent:8", null, () => later({ value: 1, cooldownUntil: 6_000_000 }), () => 1_000);
    const again = await guardRotation("op1:agent:8", 6_000_000, () => later({ value: 2, cooldownUntil: 7_000_000 }), () => 1_000);
    expect(again).toEqual({ kind: "ran", value: 2 });
  });

  it("lets anyone rotate again once the last rotation's cooldown is over", async () => {
    let now = 1_000_000;
    const clock = () => now;
    await guardRotation("op1:agent:10", null, () => later({ value: 1, cooldownUntil: now + 30 * 60_000 }), clock);
    expect((await guardRotation("op1:agent:10", null, () => later({ value: 2, cooldownUntil: now + 1 }), clock)).kind).toBe("rotated_elsewhere");
    now += 30 * 60_000 + 1;
    expect(await guardRotation("op1:agent:10", null, () => later({ value: 3, cooldownUntil: now + 30 * 60_000 }), clock)).toEqual({ kind: "ran", value: 3 });
  });

  it("does not remember a rotation that failed, so the user may try again", async () => {
    await expect(guardRotation("op1:agent:9", null, () => Promise.reject(new Error("timeout")))).rejects.toThrow("timeout");
    const retry = await guardRotation("op1:agent:9", null, () => later({ value: "ok", cooldownUntil: 5_000 }), () => 1_000);
    expect(retry.kind).toBe("ran");
  });
});
