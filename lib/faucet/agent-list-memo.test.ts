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
});
