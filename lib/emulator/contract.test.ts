import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeTempDir, num, startHarness, str, type Harness, type Json } from "./test-support";

/**
 * Every action over real HTTP, in the order a console would use them. Tests share one
 * faucet and run in sequence; the clock is injected so cooldowns can be crossed.
 */

const START = Date.parse("2030-01-01T00:00:00.000Z");
const MINUTE = 60_000;
let clock = START;
const temp = makeTempDir("contract");
let faucet: Harness;

beforeAll(async () => {
  faucet = await startHarness({ dataDir: temp.dir, now: () => clock });
});
afterAll(async () => {
  await faucet.close();
  temp.cleanup();
});

const iso = (ms: number) => new Date(ms).toISOString();

function expectRefusal(reply: Json, code: string): void {
  expect(reply, JSON.stringify(reply)).toMatchObject({ success: false, error_code: code });
  expect(typeof reply.error).toBe("string");
  expect(str(reply, "error").length).toBeGreaterThan(5);
}

let operatorKey = "";
let operatorId = 0;
let recoveryCode = "";
let agentKey = "";
let agentId = 0;

describe("operator account", () => {
  it("register returns an id, an lf_ key and a recovery code", async () => {
    const reply = await faucet.call("register", null, { email: "ops@example.com" });
    expect(reply.success).toBe(true);
    operatorId = num(reply, "operator_id");
    operatorKey = str(reply, "api_key");
    recoveryCode = str(reply, "recovery_code");
    expect(operatorKey).toMatch(/^lf_[0-9a-f]{32}$/);
    expect(recoveryCode).toHaveLength(24);
  });

  it("whoami describes the operator", async () => {
    expect(await faucet.call("whoami", operatorKey)).toEqual({
      success: true,
      type: "operator",
      id: operatorId,
      name: "AI Agent Operator",
      balance_sats: 10_000,
      agent_count: 0,
      cooldown_until: null,
    });
  });

  it("get_balance, get_info and get_rate_limits", async () => {
    expect(await faucet.call("get_balance", operatorKey)).toEqual({ success: true, balance_sats: 10_000 });
    const info = await faucet.call("get_info");
    expect(info).toMatchObject({ success: true, status: "ok", max_payment_sats: 100_000, min_payment_sats: 1 });
    expect(info.supported_features).toContain("regenerate_agent_key");
    // A key is optional for get_info, and even a wrong one is not held against it.
    expect((await faucet.call("get_info", "lf_bogus")).success).toBe(true);
    const first = await faucet.call("get_rate_limits", operatorKey);
    const second = await faucet.call("get_rate_limits", operatorKey);
    expect(first).toMatchObject({ success: true, requests_per_minute: 60 });
    expect(num(second, "requests_remaining")).toBe(num(first, "requests_remaining") - 1);
    expect(Date.parse(str(first, "reset_at"))).toBeGreaterThan(clock);
  });

  it("keyed actions refuse a missing or unknown key with invalid_key", async () => {
    expectRefusal(await faucet.call("whoami"), "invalid_key");
    expectRefusal(await faucet.call("whoami", "lf_00000000000000000000000000000000"), "invalid_key");
  });
});

describe("agents", () => {
  it("create_agent returns the key under both contract names", async () => {
    const reply = await faucet.call("create_agent", operatorKey, { name: "Alpha", description: "test", budget_limit_sats: 2000 });
    expect(reply).toMatchObject({ success: true, name: "Alpha" });
    agentId = num(reply, "agent_id");
    agentKey = str(reply, "api_key");
    expect(agentKey).toMatch(/^agent_[0-9a-f]{32}$/);
    expect(reply.agent_api_key).toBe(agentKey);
  });

  it("create_agent validates the name", async () => {
    for (const name of ["", "   ", "x".repeat(101), 42, undefined]) {
      const reply = await faucet.call("create_agent", operatorKey, { name });
      expectRefusal(reply, "invalid_request");
      expect(reply.error).toMatch(/name/);
    }
  });

  it("list_agents shows the agent, with our cooldown_until extension", async () => {
    expect(await faucet.call("list_agents", operatorKey)).toEqual({
      success: true,
      agents: [{ id: agentId, name: "Alpha", balance_sats: 0, is_active: true, created_at: iso(START), cooldown_until: null }],
      total: 1,
    });
  });

  it("whoami with the agent key", async () => {
    expect(await faucet.call("whoami", agentKey)).toMatchObject({
      success: true,
      type: "agent",
      id: agentId,
      name: "Alpha",
      balance_sats: 0,
      budget_limit_sats: 2000,
      operator_id: operatorId,
      cooldown_until: null,
    });
  });

  it("fund_agent moves sats from the operator", async () => {
    expect(await faucet.call("fund_agent", operatorKey, { agent_id: agentId, amount_sats: 5000 })).toEqual({
      success: true,
      operator_balance: 5000,
      agent_balance: 5000,
      amount_transferred: 5000,
    });
    const short = await faucet.call("fund_agent", operatorKey, { agent_id: agentId, amount_sats: 5001 });
    expectRefusal(short, "insufficient_balance");
    expect(short).toMatchObject({ required: 5001, available: 5000 });
  });

  it("wrong param types are refused with a message naming the field", async () => {
    for (const [params, field] of [
      [{ agent_id: agentId, amount_sats: "5" }, "amount_sats"],
      [{ agent_id: agentId, amount_sats: -1 }, "amount_sats"],
      [{ agent_id: agentId, amount_sats: 1.5 }, "amount_sats"],
      [{ agent_id: agentId, amount_sats: 0 }, "amount_sats"],
      [{ agent_id: agentId }, "amount_sats"],
      [{ agent_id: String(agentId), amount_sats: 5 }, "agent_id"],
    ] as const) {
      const reply = await faucet.call("fund_agent", operatorKey, params);
      expectRefusal(reply, "invalid_request");
      expect(reply.error).toContain(field);
    }
    expect(await faucet.call("get_balance", operatorKey)).toMatchObject({ balance_sats: 5000 });
  });

  it("withdraw_from_agent moves sats back", async () => {
    expect(await faucet.call("withdraw_from_agent", operatorKey, { agent_id: agentId, amount_sats: 1000, sweep: true })).toEqual({
      success: true,
      amount_transferred: 1000,
      new_operator_balance: 6000,
      new_agent_balance: 4000,
    });
    const short = await faucet.call("withdraw_from_agent", operatorKey, { agent_id: agentId, amount_sats: 4001 });
    expectRefusal(short, "insufficient_balance");
    expect(short).toMatchObject({ required: 4001, available: 4000 });
    expectRefusal(await faucet.call("withdraw_from_agent", operatorKey, { agent_id: agentId }), "invalid_request");
  });

  it("pay_invoice spends from the agent's budget", async () => {
    const paid = await faucet.call("pay_invoice", agentKey, { invoice: "lnbc15u1test", amount_sats: 1500 });
    expect(paid).toMatchObject({ success: true, amount_sats: 1500, routing_fee_sats: 0, platform_fee_sats: 0, total_cost: 1500, new_balance: 2500 });
    expect(str(paid, "payment_hash")).toMatch(/^[0-9a-f]{64}$/);
    const over = await faucet.call("pay_invoice", agentKey, { invoice: "lnbc6u1test", amount_sats: 600 });
    expectRefusal(over, "budget_exceeded");
    expect(over).toMatchObject({ budget_limit_sats: 2000, total_spent_sats: 1500, remaining_sats: 500 });
    expectRefusal(await faucet.call("pay_invoice", operatorKey, { invoice: "lnbc1" }), "wrong_role");
    expectRefusal(await faucet.call("pay_invoice", agentKey, { invoice: "" }), "invalid_request");
    expectRefusal(await faucet.call("pay_invoice", agentKey, { invoice: "lnbc", amount_sats: 100_001 }), "invalid_request");
  });

  it("get_budget_status for the operator (with agent_id) and for the agent itself", async () => {
    const expected = { success: true, agent_id: agentId, budget_limit_sats: 2000, total_spent_sats: 1500, remaining_sats: 500, has_budget: true };
    expect(await faucet.call("get_budget_status", operatorKey, { agent_id: agentId })).toEqual(expected);
    expect(await faucet.call("get_budget_status", agentKey)).toEqual(expected);
    expectRefusal(await faucet.call("get_budget_status", operatorKey), "invalid_request");
    expectRefusal(await faucet.call("get_budget_status", agentKey, { agent_id: agentId + 1000 }), "not_found");
  });

  it("update_agent changes the budget (0 or null = unlimited) and the active flag", async () => {
    expect(await faucet.call("update_agent", operatorKey, { agent_id: agentId, updates: { budget_limit_sats: 0 } })).toMatchObject({
      success: true,
      message: expect.any(String),
    });
    expect(await faucet.call("get_budget_status", agentKey)).toMatchObject({ budget_limit_sats: null, remaining_sats: null, has_budget: false });
    await faucet.call("update_agent", operatorKey, { agent_id: agentId, updates: { budget_limit_sats: 9000 } });
    await faucet.call("update_agent", operatorKey, { agent_id: agentId, updates: { budget_limit_sats: null } });
    expect(await faucet.call("whoami", agentKey)).toMatchObject({ budget_limit_sats: null });

    await faucet.call("update_agent", operatorKey, { agent_id: agentId, updates: { is_active: false } });
    expect(await faucet.call("list_agents", operatorKey)).toMatchObject({ agents: [{ id: agentId, is_active: false }] });
    expectRefusal(await faucet.call("pay_invoice", agentKey, { invoice: "lnbc", amount_sats: 1 }), "inactive");
    // An inactive agent can still be funded: incoming sats are never the risk.
    expect((await faucet.call("fund_agent", operatorKey, { agent_id: agentId, amount_sats: 500 })).success).toBe(true);
    await faucet.call("update_agent", operatorKey, { agent_id: agentId, updates: { is_active: true } });
    expect((await faucet.call("pay_invoice", agentKey, { invoice: "lnbc", amount_sats: 1 })).success).toBe(true);
  });

  it("update_agent rejects empty, unknown and mistyped updates", async () => {
    for (const updates of [{}, { name: "x" }, { is_active: "yes" }, { budget_limit_sats: -5 }, "x", undefined]) {
      const reply = await faucet.call("update_agent", operatorKey, { agent_id: agentId, updates });
      expectRefusal(reply, "invalid_request");
      expect(reply.error).toMatch(/updates|budget_limit_sats/);
    }
  });
});

describe("key rotation and cooldowns", () => {
  it("regenerate_agent_key kills the old key at once and starts a 30-minute cooldown", async () => {
    const oldKey = agentKey;
    const reply = await faucet.call("regenerate_agent_key", operatorKey, { agent_id: agentId });
    expect(reply).toMatchObject({ success: true, agent_id: agentId, message: "API key rotated", cooldown_until: iso(clock + 30 * MINUTE) });
    agentKey = str(reply, "api_key");
    expect(agentKey).toMatch(/^agent_[0-9a-f]{32}$/);
    expectRefusal(await faucet.call("whoami", oldKey), "invalid_key");
    expect(await faucet.call("whoami", agentKey)).toMatchObject({ type: "agent", id: agentId, cooldown_until: iso(clock + 30 * MINUTE) });
    expect(await faucet.call("list_agents", operatorKey)).toMatchObject({ agents: [{ id: agentId, cooldown_until: iso(clock + 30 * MINUTE) }] });
  });

  it("the agent cooldown blocks withdraw_from_agent and payments, before any balance check", async () => {
    const refused = await faucet.call("withdraw_from_agent", operatorKey, { agent_id: agentId, amount_sats: 10_000_000 });
    expectRefusal(refused, "cooldown");
    expect(refused).toMatchObject({ cooldown_until: iso(clock + 30 * MINUTE), seconds_remaining: 1800 });
    const payment = await faucet.call("pay_invoice", agentKey, { invoice: "lnbc", amount_sats: 1 });
    expectRefusal(payment, "cooldown");
    // Funding is still allowed during a cooldown.
    expect((await faucet.call("fund_agent", operatorKey, { agent_id: agentId, amount_sats: 1 })).success).toBe(true);

    clock += 10 * MINUTE + 500;
    expect(await faucet.call("withdraw_from_agent", operatorKey, { agent_id: agentId, amount_sats: 1 })).toMatchObject({ seconds_remaining: 1200 });
    clock += 21 * MINUTE;
    expect((await faucet.call("withdraw_from_agent", operatorKey, { agent_id: agentId, amount_sats: 1 })).success).toBe(true);
    expect((await faucet.call("pay_invoice", agentKey, { invoice: "lnbc", amount_sats: 1 })).success).toBe(true);
    expect(await faucet.call("whoami", agentKey)).toMatchObject({ cooldown_until: null });
  });

  it("regenerate_operator_key refuses an agent key with wrong_role", async () => {
    expectRefusal(await faucet.call("regenerate_operator_key", agentKey), "wrong_role");
    expect((await faucet.call("whoami", operatorKey)).success).toBe(true);
  });

  it("regenerate_operator_key kills the old key and locks withdrawals for 60 minutes", async () => {
    const oldKey = operatorKey;
    const reply = await faucet.call("regenerate_operator_key", operatorKey);
    expect(reply).toMatchObject({ success: true, message: "API key rotated", cooldown_until: iso(clock + 60 * MINUTE) });
    operatorKey = str(reply, "api_key");
    expect(operatorKey).toMatch(/^lf_[0-9a-f]{32}$/);
    expectRefusal(await faucet.call("whoami", oldKey), "invalid_key");
    expect(await faucet.call("whoami", operatorKey)).toMatchObject({ type: "operator", id: operatorId, cooldown_until: iso(clock + 60 * MINUTE) });

    // Far more than the balance: the refusal must still be the cooldown, not the balance.
    const refused = await faucet.call("withdraw", operatorKey, { invoice: "lnbc1000", amount_sats: 99_999 });
    expectRefusal(refused, "cooldown");
    expect(refused).toMatchObject({ seconds_remaining: 3600, cooldown_until: iso(clock + 60 * MINUTE) });

    clock += 61 * MINUTE;
    const balance = num(await faucet.call("get_balance", operatorKey), "balance_sats");
    const paid = await faucet.call("withdraw", operatorKey, { invoice: "lnbc1000" });
    expect(paid).toMatchObject({ success: true, amount_sats: 1000, routing_fee_sats: 0, platform_fee_sats: 0, total_cost: 1000, new_balance: balance - 1000 });
    expect(str(paid, "payment_hash")).toMatch(/^[0-9a-f]{64}$/);
    const short = await faucet.call("withdraw", operatorKey, { invoice: "lnbc", amount_sats: balance });
    expectRefusal(short, "insufficient_balance");
    expectRefusal(await faucet.call("withdraw", operatorKey, {}), "invalid_request");
  });

  it("recover issues a new key and a 60-minute cooldown; the code keeps working", async () => {
    const oldKey = operatorKey;
    const reply = await faucet.call("recover", null, { recovery_code: recoveryCode });
    expect(reply).toMatchObject({ success: true, operator_id: operatorId, cooldown_until: iso(clock + 60 * MINUTE) });
    operatorKey = str(reply, "api_key");
    expect(operatorKey).not.toBe(oldKey);
    expectRefusal(await faucet.call("whoami", oldKey), "invalid_key");
    expectRefusal(await faucet.call("withdraw", operatorKey, { invoice: "lnbc", amount_sats: 1 }), "cooldown");

    // Same code again, retyped in lower case with dashes: still accepted.
    const retyped = recoveryCode.toLowerCase().replace(/(.{4})(?!$)/g, "$1-");
    const again = await faucet.call("recover", null, { recovery_code: retyped });
    expect(again).toMatchObject({ success: true, operator_id: operatorId });
    operatorKey = str(again, "api_key");
    expect((await faucet.call("whoami", operatorKey)).success).toBe(true);
    expectRefusal(await faucet.call("recover", null, { recovery_code: "AAAAAAAAAAAAAAAAAAAAAAAA" }), "invalid_key");
    expectRefusal(await faucet.call("recover", null, {}), "invalid_request");
    clock += 61 * MINUTE;
  });
});

describe("roles, ownership and request shape", () => {
  it("an agent key on an operator action is wrong_role", async () => {
    expectRefusal(await faucet.call("list_agents", agentKey), "wrong_role");
    expectRefusal(await faucet.call("create_agent", agentKey, { name: "x" }), "wrong_role");
  });

  it("another operator's agent is not_found, with the same message as a missing one", async () => {
    const other = str(await faucet.call("register", null, { name: "Mallory" }), "api_key");
    const foreign = await faucet.call("fund_agent", other, { agent_id: agentId, amount_sats: 1 });
    const missing = await faucet.call("fund_agent", other, { agent_id: 999_999, amount_sats: 1 });
    expectRefusal(foreign, "not_found");
    expectRefusal(missing, "not_found");
    expect(foreign.error).toBe(str(missing, "error").replace("999999", String(agentId)));
    for (const action of ["delete_agent", "regenerate_agent_key", "get_budget_status"]) {
      expectRefusal(await faucet.call(action, other, { agent_id: agentId }), "not_found");
    }
    expectRefusal(await faucet.call("update_agent", other, { agent_id: agentId, updates: { is_active: false } }), "not_found");
    expectRefusal(await faucet.call("withdraw_from_agent", other, { agent_id: agentId, amount_sats: 1 }), "not_found");
    expect(await faucet.call("list_agents", other)).toEqual({ success: true, agents: [], total: 0 });
  });

  it("accepts the key as Authorization: Bearer or X-API-Key; the body key wins", async () => {
    expect(await faucet.post({ action: "whoami" }, { authorization: `Bearer ${operatorKey}` })).toMatchObject({ id: operatorId });
    expect(await faucet.post({ action: "whoami" }, { "x-api-key": agentKey })).toMatchObject({ type: "agent", id: agentId });
    expect(await faucet.post({ action: "whoami", api_key: agentKey }, { authorization: `Bearer ${operatorKey}` })).toMatchObject({ type: "agent" });
    expectRefusal(await faucet.post({ action: "whoami", api_key: "lf_bogus" }, { "x-api-key": operatorKey }), "invalid_key");
  });

  it("refuses malformed requests with invalid_request or unknown_action", async () => {
    expectRefusal(await faucet.post("this is not json"), "invalid_request");
    expectRefusal(await faucet.post([{ action: "whoami" }]), "invalid_request");
    expectRefusal(await faucet.post("null"), "invalid_request");
    expectRefusal(await faucet.post("42"), "invalid_request");
    expectRefusal(await faucet.post({ api_key: operatorKey }), "invalid_request");
    expectRefusal(await faucet.post({ action: 7 }), "invalid_request");
    expectRefusal(await faucet.post({ action: "whoami", api_key: 12345 }), "invalid_request");
    const unknown = await faucet.call("transfer_everything", operatorKey);
    expectRefusal(unknown, "unknown_action");
    expect(unknown.error).toContain("transfer_everything");
    expectRefusal(await faucet.call("__proto__", operatorKey), "unknown_action");
  });
});

describe("deleting an agent", () => {
  it("delete_agent returns the balance to the operator and kills the agent key", async () => {
    const before = num(await faucet.call("get_balance", operatorKey), "balance_sats");
    const agentBalance = num(await faucet.call("get_balance", agentKey), "balance_sats");
    expect(agentBalance).toBeGreaterThan(0);
    expect(await faucet.call("delete_agent", operatorKey, { agent_id: agentId })).toMatchObject({
      success: true,
      message: expect.any(String),
      balance_returned: agentBalance,
    });
    expect(await faucet.call("get_balance", operatorKey)).toMatchObject({ balance_sats: before + agentBalance });
    expectRefusal(await faucet.call("whoami", agentKey), "invalid_key");
    expect(await faucet.call("list_agents", operatorKey)).toMatchObject({ agents: [], total: 0 });
    expect(await faucet.call("whoami", operatorKey)).toMatchObject({ agent_count: 0 });
    expectRefusal(await faucet.call("delete_agent", operatorKey, { agent_id: agentId }), "not_found");
  });

  it("withdraw_from_agent with sweep alone takes the whole balance", async () => {
    const created = await faucet.call("create_agent", operatorKey, { name: "Beta" });
    const id = num(created, "agent_id");
    await faucet.call("fund_agent", operatorKey, { agent_id: id, amount_sats: 777 });
    expect(await faucet.call("withdraw_from_agent", operatorKey, { agent_id: id, sweep: true })).toMatchObject({
      amount_transferred: 777,
      new_agent_balance: 0,
    });
  });
});
