import { describe, expect, it } from "vitest";
import type { FaucetAgent } from "@/lib/faucet";
import { createAgentListMemo } from "./agent-list-memo";

const agent = (id: number): FaucetAgent => ({
  id,
  name: `agent-${id}`,
  balanceSats: 0,
  isActive: true,
  cooldownUntil: null,
  budgetLimitSats: null,
  budgetLimitKnown: true,
  createdAt: null,
  description: null,
});

function setup() {
  let time = 1_000_000;
  let calls = 0;
  const memo = createAgentListMemo({ ttlMs: 2_000, now: () => time });
  const load = () => {
    calls += 1;
    return Promise.resolve([agent(calls)]);
  };
  return {
    memo,
    load,
    calls: () => calls,
    advance: (ms: number) => {
      time += ms;
    },
  };
}

describe("agent list memo", () => {
  it("serves page requests within the ttl from one faucet call, including concurrent ones", async () => {
    const { memo, load, calls, advance } = setup();
    const [first, second] = await Promise.all([
      memo.get(1, "lf_a", load, { fresh: false }),
      memo.get(1, "lf_a", load, { fresh: false }),
    ]);
    advance(1_999);
    const third = await memo.get(1, "lf_a", load, { fresh: false });
    expect(calls()).toBe(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it("asks the faucet again once the ttl is over, for a fresh load, after forget, and for another key or operator", async () => {
    const { memo, load, calls, advance } = setup();
    await memo.get(1, "lf_a", load, { fresh: false });
    advance(2_000);
    await memo.get(1, "lf_a", load, { fresh: false });
    expect(calls()).toBe(2);
    await memo.get(1, "lf_a", load, { fresh: true });
    expect(calls()).toBe(3);
    memo.forget(1);
    await memo.get(1, "lf_a", load, { fresh: false });
    expect(calls()).toBe(4);
    await memo.get(1, "lf_b", load, { fresh: false });
    await memo.get(2, "lf_b", load, { fresh: false });
    expect(calls()).toBe(6);
  });

  it("does not remember a failed call", async () => {
    const { memo, load, calls } = setup();
    await expect(memo.get(1, "lf_a", () => Promise.reject(new Error("faucet down")), { fresh: false })).rejects.toThrow(
      "faucet down",
    );
    await memo.get(1, "lf_a", load, { fresh: false });
    expect(calls()).toBe(1);
  });

  it("knows each agent's name from the last list read, past the TTL and a forget, without a call of its own", async () => {
    const { memo, calls, advance } = setup();
    const named = (id: number, name: string) => ({ ...agent(id), name });
    expect(memo.nameOf(1, 7)).toBeNull();
    await memo.get(1, "lf_a", () => Promise.resolve([named(7, "Research Bot")]), { fresh: true });
    advance(60_000);
    memo.forget(1);
    expect(memo.nameOf(1, 7)).toBe("Research Bot");
    expect(memo.nameOf(2, 7)).toBeNull();
    expect(calls()).toBe(0);
    // Renamed at the faucet: the next read teaches the new name; a deleted agent is forgotten.
    await memo.get(1, "lf_a", () => Promise.resolve([named(8, "Other")]), { fresh: true });
    expect(memo.nameOf(1, 7)).toBeNull();
    expect(memo.nameOf(1, 8)).toBe("Other");
  });

  it("keeps the newer read's names when an older, slower read answers last", async () => {
    const { memo, advance } = setup();
    let answerOld: (list: FaucetAgent[]) => void = () => undefined;
    const old = memo.get(1, "lf_a", () => new Promise<FaucetAgent[]>((resolve) => (answerOld = resolve)), {
      fresh: true,
    });
    advance(10);
    await memo.get(1, "lf_a", () => Promise.resolve([{ ...agent(7), name: "New name" }]), { fresh: true });
    answerOld([{ ...agent(7), name: "Old name" }]);
    await old;
    expect(memo.nameOf(1, 7)).toBe("New name");
  });
});
