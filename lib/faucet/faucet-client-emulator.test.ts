import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFaucetEmulator, type FaucetEmulator } from "faucet-emulator";
import { createFaucetClient, type FaucetClient } from "./faucet-client";
import { FaucetError } from "./faucet-error";
import type { FaucetRequestBody } from "./transport";

/**
 * The lifecycle calls against our own faucet, in-process: proves the client's wire shapes
 * and the emulator agree (the unit tests prove each half against a script).
 */

const dir = mkdtempSync(join(tmpdir(), "faucet-client-lifecycle-"));
let emulator: FaucetEmulator;
let client: FaucetClient;
const sent: FaucetRequestBody[] = [];
let operatorKey = "";

beforeAll(async () => {
  emulator = createFaucetEmulator({ dataDir: dir });
  client = createFaucetClient({
    transport: async (body, signal) => {
      sent.push(body);
      const reply = await emulator.handle({ bodyText: JSON.stringify(body), headers: {}, signal });
      return { status: reply.status, text: reply.body };
    },
  });
  const registered = JSON.parse(
    (await emulator.handle({ bodyText: JSON.stringify({ action: "register" }), headers: {} })).body,
  ) as { api_key: string };
  operatorKey = registered.api_key;
});
afterAll(() => {
  emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

async function errorOf(promise: Promise<unknown>): Promise<FaucetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FaucetError) return error;
    throw error;
  }
  throw new Error("expected a FaucetError");
}

describe("agent lifecycle through the client", () => {
  let agentId = 0;

  it("creates an agent with a budget and lists it with its details", async () => {
    const created = await client.createAgent(operatorKey, {
      name: "Runner",
      description: "nightly jobs",
      budgetLimitSats: 2_000,
    });
    expect(created.apiKey).toMatch(/^agent_[0-9a-f]{32}$/);
    expect(created.name).toBe("Runner");
    agentId = created.agentId;
    const [row] = await client.listAgents(operatorKey);
    expect(row).toMatchObject({ id: agentId, budgetLimitSats: 2_000, description: "nightly jobs", isActive: true });
    expect(row?.createdAt).toEqual(expect.any(Number));
  });

  it("sets the budget through set_budget, unlimited included", async () => {
    expect(await client.setAgentBudget(operatorKey, agentId, 500)).toEqual({
      agentId,
      budgetLimitSats: 500,
      via: "set_budget",
    });
    expect(await client.getBudgetStatus(operatorKey, agentId)).toEqual({
      budgetLimitSats: 500,
      spentSats: 0,
      remainingSats: 500,
    });
    expect((await client.setAgentBudget(operatorKey, agentId, null)).via).toBe("set_budget");
    expect(await client.getBudgetStatus(operatorKey, agentId)).toEqual({
      budgetLimitSats: null,
      spentSats: 0,
      remainingSats: null,
    });
  });

  it("falls back to update_agent on a faucet that does not know set_budget, unlimited sent as 0", async () => {
    emulator.setFaults({
      actions: ["set_budget"],
      refuseWith: { error_code: "unknown_action", error: "Unknown action: set_budget." },
    });
    try {
      await client.setAgentBudget(operatorKey, agentId, 700);
      expect(await client.getBudgetStatus(operatorKey, agentId)).toMatchObject({ budgetLimitSats: 700 });
      sent.length = 0;
      expect(await client.setAgentBudget(operatorKey, agentId, null)).toEqual({
        agentId,
        budgetLimitSats: null,
        via: "update_agent",
      });
      expect(sent.map((body) => body.action)).toEqual(["set_budget", "update_agent"]);
      expect(await client.getBudgetStatus(operatorKey, agentId)).toMatchObject({ budgetLimitSats: null });
    } finally {
      emulator.clearFaults();
    }
  });

  it("deactivates and reactivates", async () => {
    expect(await client.setAgentActive(operatorKey, agentId, false)).toEqual({ agentId, isActive: false });
    expect((await client.listAgents(operatorKey))[0]?.isActive).toBe(false);
    await client.setAgentActive(operatorKey, agentId, true);
    expect((await client.listAgents(operatorKey))[0]?.isActive).toBe(true);
  });

  it("funds, refuses an overdraft in our words, and sweeps everything", async () => {
    expect(await client.fundAgent(operatorKey, agentId, 1_200)).toEqual({
      agentBalanceSats: 1_200,
      operatorBalanceSats: 8_800,
    });
    const overdraft = await errorOf(client.fundAgent(operatorKey, agentId, 1_000_000));
    expect(overdraft).toMatchObject({
      kind: "invalid_request",
      message: "The faucet refused: the balance is too small for this amount.",
    });
    expect(await client.sweepAgent(operatorKey, agentId)).toEqual({
      movedSats: 1_200,
      agentBalanceSats: 0,
      operatorBalanceSats: 10_000,
    });
  });

  it("a sweep during the agent's cooldown is a cooldown error with its end", async () => {
    const rotation = await client.regenerateAgentKey(operatorKey, agentId);
    const error = await errorOf(client.sweepAgent(operatorKey, agentId));
    expect(error.kind).toBe("cooldown");
    expect(error.cooldownUntil).toBe(rotation.cooldownUntil);
    expect(error.mayHaveCommitted).toBe(false);
  });

  it("deletes the agent and reports what went back to the operator", async () => {
    await client.fundAgent(operatorKey, agentId, 250);
    expect(await client.deleteAgent(operatorKey, agentId)).toEqual({ returnedSats: 250 });
    expect(await client.listAgents(operatorKey)).toEqual([]);
    expect((await errorOf(client.getBudgetStatus(operatorKey, agentId))).kind).toBe("not_found");
  });
});
