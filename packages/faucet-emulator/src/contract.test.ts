import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FEATURE_ACTIONS } from "./actions/account";
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
    // As the real service answers: feature names, not action names (faucet-api.md §9).
    expect(info).toMatchObject({
      success: true,
      status: "operational",
      api_version: "1.0",
      max_payment_sats: 100_000,
      min_payment_sats: 1,
    });
    // Only what the emulator implements (§10): no l402, no webhooks; each is tested in "honest features" below.
    expect(info.supported_features).toEqual(["agents", "keysend"]);
    // Our extension: the actions this emulator speaks.
    expect(info.supported_actions).toEqual(
      expect.arrayContaining(["regenerate_agent_key", "set_budget", "transfer_between_agents"]),
    );
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
    const reply = await faucet.call("create_agent", operatorKey, {
      name: "Alpha",
      description: "test",
      budget_limit_sats: 2000,
    });
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

  it("list_agents shows the agent, with our cooldown_until, budget_limit_sats and description extensions", async () => {
    expect(await faucet.call("list_agents", operatorKey)).toEqual({
      success: true,
      agents: [
        {
          id: agentId,
          name: "Alpha",
          balance_sats: 0,
          is_active: true,
          created_at: iso(START),
          cooldown_until: null,
          budget_limit_sats: 2000,
          description: "test",
        },
      ],
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
    expect(await faucet.call("withdraw_from_agent", operatorKey, { agent_id: agentId, amount_sats: 1000 })).toEqual({
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

  it("pay_invoice refuses an invoice without an amount unless amount_sats is sent, and one whose amount_sats disagrees", async () => {
    const bare = await faucet.call("pay_invoice", agentKey, { invoice: "lnbc1pvjluezpp5qqqsyqcyq5rqwzqf" });
    expectRefusal(bare, "invalid_request");
    expect(bare.error).toMatch(/amount_sats/);
    const mismatch = await faucet.call("pay_invoice", agentKey, { invoice: "lnbc15u1test", amount_sats: 10 });
    expectRefusal(mismatch, "invalid_request");
    expect(mismatch.error).toMatch(/1500/);
    expectRefusal(await faucet.call("pay_invoice", agentKey, { invoice: "lnbc1n1test" }), "invalid_request");
    expectRefusal(await faucet.call("pay_invoice", agentKey, { invoice: "lnbc2m1test" }), "invalid_request"); // 200,000 sats > max_payment_sats
    expect(await faucet.call("get_balance", agentKey)).toMatchObject({ balance_sats: 4000 });
  });

  it("pay_invoice charges the invoice's own amount and spends from the agent's budget", async () => {
    const paid = await faucet.call("pay_invoice", agentKey, { invoice: "lnbc15u1test" });
    expect(paid).toMatchObject({
      success: true,
      amount_sats: 1500,
      routing_fee_sats: 0,
      platform_fee_sats: 0,
      total_cost: 1500,
      new_balance: 2500,
    });
    expect(str(paid, "payment_hash")).toMatch(/^[0-9a-f]{64}$/);
    const over = await faucet.call("pay_invoice", agentKey, { invoice: "lnbc6u1test" });
    expectRefusal(over, "budget_exceeded");
    expect(over).toMatchObject({ budget_limit_sats: 2000, total_spent_sats: 1500, remaining_sats: 500 });
    // An operator key pays too, through a default agent (§10): see "payments with an operator key" below.
    expectRefusal(await faucet.call("pay_invoice", agentKey, { invoice: "" }), "invalid_request");
    expectRefusal(
      await faucet.call("pay_invoice", agentKey, { invoice: "lnbc", amount_sats: 100_001 }),
      "invalid_request",
    );
  });

  it("get_budget_status for the operator (with agent_id) and for the agent itself", async () => {
    const expected = {
      success: true,
      agent_id: agentId,
      budget_limit_sats: 2000,
      total_spent_sats: 1500,
      remaining_sats: 500,
      has_budget: true,
    };
    expect(await faucet.call("get_budget_status", operatorKey, { agent_id: agentId })).toEqual(expected);
    expect(await faucet.call("get_budget_status", agentKey)).toEqual(expected);
    expectRefusal(await faucet.call("get_budget_status", operatorKey), "invalid_request");
    expectRefusal(await faucet.call("get_budget_status", agentKey, { agent_id: agentId + 1000 }), "not_found");
  });

  it("update_agent changes the budget (0 = unlimited) and the active flag", async () => {
    expect(
      await faucet.call("update_agent", operatorKey, { agent_id: agentId, updates: { budget_limit_sats: 0 } }),
    ).toMatchObject({
      success: true,
      message: expect.any(String),
    });
    expect(await faucet.call("get_budget_status", agentKey)).toMatchObject({
      budget_limit_sats: null,
      remaining_sats: null,
      has_budget: false,
    });
    await faucet.call("update_agent", operatorKey, { agent_id: agentId, updates: { budget_limit_sats: 9000 } });
    expect(await faucet.call("whoami", agentKey)).toMatchObject({ budget_limit_sats: 9000 });

    await faucet.call("update_agent", operatorKey, { agent_id: agentId, updates: { is_active: false } });
    expect(await faucet.call("list_agents", operatorKey)).toMatchObject({
      agents: [{ id: agentId, is_active: false }],
    });
    expectRefusal(await faucet.call("pay_invoice", agentKey, { invoice: "lnbc", amount_sats: 1 }), "inactive");
    // An inactive agent can still be funded: incoming sats are never the risk.
    expect((await faucet.call("fund_agent", operatorKey, { agent_id: agentId, amount_sats: 500 })).success).toBe(true);
    await faucet.call("update_agent", operatorKey, { agent_id: agentId, updates: { is_active: true } });
    expect((await faucet.call("pay_invoice", agentKey, { invoice: "lnbc", amount_sats: 1 })).success).toBe(true);
  });

  it("update_agent refuses budget_limit_sats: null, as the real service did, and changes nothing", async () => {
    // Our choice (faucet-api.md §9): faithful to the real update_agent, so a console that
    // would send null for "unlimited" on the fallback path fails here, not in production.
    const reply = await faucet.call("update_agent", operatorKey, {
      agent_id: agentId,
      updates: { budget_limit_sats: null },
    });
    expectRefusal(reply, "invalid_request");
    expect(reply.error).toMatch(/null.*0 for unlimited/);
    expect(await faucet.call("whoami", agentKey)).toMatchObject({ budget_limit_sats: 9000 });
    await faucet.call("update_agent", operatorKey, { agent_id: agentId, updates: { budget_limit_sats: 0 } });
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
    expect(reply).toMatchObject({
      success: true,
      agent_id: agentId,
      message: "API key rotated",
      cooldown_until: iso(clock + 30 * MINUTE),
    });
    agentKey = str(reply, "api_key");
    expect(agentKey).toMatch(/^agent_[0-9a-f]{32}$/);
    expectRefusal(await faucet.call("whoami", oldKey), "invalid_key");
    expect(await faucet.call("whoami", agentKey)).toMatchObject({
      type: "agent",
      id: agentId,
      cooldown_until: iso(clock + 30 * MINUTE),
    });
    expect(await faucet.call("list_agents", operatorKey)).toMatchObject({
      agents: [{ id: agentId, cooldown_until: iso(clock + 30 * MINUTE) }],
    });
  });

  it("the agent cooldown blocks withdraw_from_agent and payments, before any balance check", async () => {
    const refused = await faucet.call("withdraw_from_agent", operatorKey, {
      agent_id: agentId,
      amount_sats: 10_000_000,
    });
    expectRefusal(refused, "cooldown");
    expect(refused).toMatchObject({ cooldown_until: iso(clock + 30 * MINUTE), seconds_remaining: 1800 });
    const payment = await faucet.call("pay_invoice", agentKey, { invoice: "lnbc", amount_sats: 1 });
    expectRefusal(payment, "cooldown");
    // Funding is still allowed during a cooldown.
    expect((await faucet.call("fund_agent", operatorKey, { agent_id: agentId, amount_sats: 1 })).success).toBe(true);

    clock += 10 * MINUTE + 500;
    expect(await faucet.call("withdraw_from_agent", operatorKey, { agent_id: agentId, amount_sats: 1 })).toMatchObject({
      seconds_remaining: 1200,
    });
    clock += 21 * MINUTE;
    expect((await faucet.call("withdraw_from_agent", operatorKey, { agent_id: agentId, amount_sats: 1 })).success).toBe(
      true,
    );
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
    expect(reply).toMatchObject({
      success: true,
      message: "API key rotated",
      cooldown_until: iso(clock + 60 * MINUTE),
    });
    operatorKey = str(reply, "api_key");
    expect(operatorKey).toMatch(/^lf_[0-9a-f]{32}$/);
    expectRefusal(await faucet.call("whoami", oldKey), "invalid_key");
    expect(await faucet.call("whoami", operatorKey)).toMatchObject({
      type: "operator",
      id: operatorId,
      cooldown_until: iso(clock + 60 * MINUTE),
    });

    // Far more than the balance: the refusal must still be the cooldown, not the balance.
    const refused = await faucet.call("withdraw", operatorKey, { invoice: "lnbc1000", amount_sats: 99_999 });
    expectRefusal(refused, "cooldown");
    expect(refused).toMatchObject({ seconds_remaining: 3600, cooldown_until: iso(clock + 60 * MINUTE) });

    clock += 61 * MINUTE;
    const balance = num(await faucet.call("get_balance", operatorKey), "balance_sats");
    const paid = await faucet.call("withdraw", operatorKey, { invoice: "lnbc10u1pwithdraw" });
    expect(paid).toMatchObject({
      success: true,
      amount_sats: 1000,
      routing_fee_sats: 0,
      platform_fee_sats: 0,
      total_cost: 1000,
      new_balance: balance - 1000,
    });
    expect(str(paid, "payment_hash")).toMatch(/^[0-9a-f]{64}$/);
    const short = await faucet.call("withdraw", operatorKey, { invoice: "lnbc", amount_sats: balance });
    expectRefusal(short, "insufficient_balance");
    expectRefusal(await faucet.call("withdraw", operatorKey, {}), "invalid_request");
    expectRefusal(await faucet.call("withdraw", operatorKey, { invoice: "lnbc1pnoamount" }), "invalid_request");
    expect(await faucet.call("withdraw", operatorKey, { invoice: "lnbc1pnoamount", amount_sats: 10 })).toMatchObject({
      success: true,
      amount_sats: 10,
    });
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
    expectRefusal(
      await faucet.call("update_agent", other, { agent_id: agentId, updates: { is_active: false } }),
      "not_found",
    );
    expectRefusal(await faucet.call("withdraw_from_agent", other, { agent_id: agentId, amount_sats: 1 }), "not_found");
    expect(await faucet.call("list_agents", other)).toEqual({ success: true, agents: [], total: 0 });
  });

  it("accepts the key as Authorization: Bearer or X-API-Key; the body key wins", async () => {
    expect(await faucet.post({ action: "whoami" }, { authorization: `Bearer ${operatorKey}` })).toMatchObject({
      id: operatorId,
    });
    expect(await faucet.post({ action: "whoami" }, { "x-api-key": agentKey })).toMatchObject({
      type: "agent",
      id: agentId,
    });
    expect(
      await faucet.post({ action: "whoami", api_key: agentKey }, { authorization: `Bearer ${operatorKey}` }),
    ).toMatchObject({ type: "agent" });
    expectRefusal(
      await faucet.post({ action: "whoami", api_key: "lf_bogus" }, { "x-api-key": operatorKey }),
      "invalid_key",
    );
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

describe("agent lifecycle, as newer clients call it", () => {
  let first = 0;
  let second = 0;

  beforeAll(async () => {
    first = num(await faucet.call("create_agent", operatorKey, { name: "Gamma" }), "agent_id");
    second = num(await faucet.call("create_agent", operatorKey, { name: "Delta" }), "agent_id");
    await faucet.call("fund_agent", operatorKey, { agent_id: first, amount_sats: 900 });
  });

  it("set_budget sets a limit, and null or 0 makes it unlimited", async () => {
    expect(await faucet.call("set_budget", operatorKey, { agent_id: first, budget_limit_sats: 300 })).toMatchObject({
      success: true,
      agent_id: first,
      budget_limit_sats: 300,
    });
    expect(await faucet.call("get_budget_status", operatorKey, { agent_id: first })).toMatchObject({
      budget_limit_sats: 300,
      remaining_sats: 300,
    });
    expect(await faucet.call("list_agents", operatorKey)).toMatchObject({
      agents: expect.arrayContaining([expect.objectContaining({ id: first, budget_limit_sats: 300 })]),
    });
    for (const unlimited of [null, 0]) {
      await faucet.call("set_budget", operatorKey, { agent_id: first, budget_limit_sats: 300 });
      expect(
        await faucet.call("set_budget", operatorKey, { agent_id: first, budget_limit_sats: unlimited }),
      ).toMatchObject({ success: true, budget_limit_sats: null });
      expect(await faucet.call("get_budget_status", operatorKey, { agent_id: first })).toMatchObject({
        budget_limit_sats: null,
        has_budget: false,
      });
    }
  });

  it("set_budget refuses a missing or bad limit, an agent key and another operator's agent", async () => {
    for (const params of [
      { agent_id: first },
      { agent_id: first, budget_limit_sats: -1 },
      { agent_id: first, budget_limit_sats: "5" },
    ]) {
      const reply = await faucet.call("set_budget", operatorKey, params);
      expectRefusal(reply, "invalid_request");
      expect(reply.error).toContain("budget_limit_sats");
    }
    const agentOwnKey = str(await faucet.call("regenerate_agent_key", operatorKey, { agent_id: second }), "api_key");
    expectRefusal(
      await faucet.call("set_budget", agentOwnKey, { agent_id: second, budget_limit_sats: 1 }),
      "wrong_role",
    );
    const other = str(await faucet.call("register", null, { name: "Eve" }), "api_key");
    expectRefusal(await faucet.call("set_budget", other, { agent_id: first, budget_limit_sats: 1 }), "not_found");
    expect(await faucet.call("get_budget_status", operatorKey, { agent_id: first })).toMatchObject({
      budget_limit_sats: null,
    });
  });

  it("transfer_between_agents moves sats between two of the operator's agents", async () => {
    clock += 31 * MINUTE; // past the rotation of `second` above
    expect(
      await faucet.call("transfer_between_agents", operatorKey, {
        from_agent_id: first,
        to_agent_id: second,
        amount_sats: 400,
      }),
    ).toEqual({
      success: true,
      amount_transferred: 400,
      from_balance: 500,
      to_balance: 400,
    });
    const short = await faucet.call("transfer_between_agents", operatorKey, {
      from_agent_id: first,
      to_agent_id: second,
      amount_sats: 501,
    });
    expectRefusal(short, "insufficient_balance");
    expect(short).toMatchObject({ required: 501, available: 500 });
    expectRefusal(
      await faucet.call("transfer_between_agents", operatorKey, {
        from_agent_id: first,
        to_agent_id: first,
        amount_sats: 1,
      }),
      "invalid_request",
    );
    expectRefusal(
      await faucet.call("transfer_between_agents", operatorKey, {
        from_agent_id: first,
        to_agent_id: 999_999,
        amount_sats: 1,
      }),
      "not_found",
    );
    const missing = await faucet.call("transfer_between_agents", operatorKey, { from_agent_id: first, amount_sats: 1 });
    expectRefusal(missing, "invalid_request");
    expect(missing.error).toContain("to_agent_id");
  });

  it("transfer_between_agents out of an agent in cooldown is refused as a cooldown", async () => {
    await faucet.call("regenerate_agent_key", operatorKey, { agent_id: second });
    const locked = await faucet.call("transfer_between_agents", operatorKey, {
      from_agent_id: second,
      to_agent_id: first,
      amount_sats: 1,
    });
    expectRefusal(locked, "cooldown");
    expect(locked).toMatchObject({ seconds_remaining: 1800 });
    // Into it is fine: incoming sats are never the risk.
    expect(
      (
        await faucet.call("transfer_between_agents", operatorKey, {
          from_agent_id: first,
          to_agent_id: second,
          amount_sats: 1,
        })
      ).success,
    ).toBe(true);
  });

  it("the public client's sweep (amount_sats 999999999, sweep true) is refused during the cooldown, then moves the whole balance", async () => {
    const sweepAll = { agent_id: second, amount_sats: 999_999_999, sweep: true };
    expectRefusal(await faucet.call("withdraw_from_agent", operatorKey, sweepAll), "cooldown");
    clock += 31 * MINUTE;
    const operatorBefore = num(await faucet.call("get_balance", operatorKey), "balance_sats");
    expect(await faucet.call("withdraw_from_agent", operatorKey, sweepAll)).toEqual({
      success: true,
      amount_transferred: 401,
      new_operator_balance: operatorBefore + 401,
      new_agent_balance: 0,
    });
    // An empty agent sweeps to nothing rather than being refused.
    expect(await faucet.call("withdraw_from_agent", operatorKey, sweepAll)).toMatchObject({
      success: true,
      amount_transferred: 0,
      new_agent_balance: 0,
    });
    // Without sweep, the same amount is still an amount, and refused.
    expectRefusal(
      await faucet.call("withdraw_from_agent", operatorKey, { agent_id: first, amount_sats: 999_999_999 }),
      "insufficient_balance",
    );
  });

  it("a deactivated agent's payment is refused; delete_agent gives its balance back", async () => {
    const agentOwnKey = str(await faucet.call("regenerate_agent_key", operatorKey, { agent_id: first }), "api_key");
    clock += 31 * MINUTE;
    await faucet.call("update_agent", operatorKey, { agent_id: first, updates: { is_active: false } });
    expectRefusal(await faucet.call("pay_invoice", agentOwnKey, { invoice: "lnbc1u1test" }), "inactive");
    expect(await faucet.call("get_balance", agentOwnKey)).toMatchObject({ balance_sats: 499 });
    expect(await faucet.call("delete_agent", operatorKey, { agent_id: first })).toMatchObject({
      success: true,
      balance_returned: 499,
    });
  });
});

describe("honest features", () => {
  it("every feature get_info lists answers its action with something other than unknown_action", async () => {
    const operator = str(await faucet.call("register", null, { name: "Feature Prober" }), "api_key");
    const features = (await faucet.call("get_info")).supported_features as string[];
    expect(features.length).toBeGreaterThan(0);
    for (const feature of features) {
      const action = (FEATURE_ACTIONS as Record<string, string>)[feature];
      expect(action, `no action known for the listed feature ${feature}`).toBeDefined();
      const reply = await faucet.call(action ?? "", operator);
      expect(reply.error_code, `${feature} → ${action}: ${JSON.stringify(reply)}`).not.toBe("unknown_action");
    }
  });

  it("keysend pays a node from an agent key, and refuses a destination that is not a node key", async () => {
    const operator = str(await faucet.call("register", null, { name: "Keysend Operator" }), "api_key");
    const created = await faucet.call("create_agent", operator, { name: "Keysender" });
    const key = str(created, "api_key");
    await faucet.call("fund_agent", operator, { agent_id: num(created, "agent_id"), amount_sats: 1000 });
    const paid = await faucet.call("keysend", key, { destination: NODE, amount_sats: 300, message: "thanks" });
    expect(paid).toMatchObject({
      success: true,
      amount_sats: 300,
      routing_fee_sats: 0,
      platform_fee_sats: 0,
      total_cost: 300,
      new_balance: 700,
    });
    expect(str(paid, "preimage")).toMatch(/^[0-9a-f]{64}$/);
    expect(str(paid, "payment_hash")).toMatch(/^[0-9a-f]{64}$/);
    const bad = await faucet.call("keysend", key, { destination: "not-a-node", amount_sats: 1 });
    expectRefusal(bad, "invalid_request");
    expect(bad.error).toMatch(/destination/);
    expectRefusal(await faucet.call("keysend", key, { destination: NODE, amount_sats: 701 }), "insufficient_balance");
    expectRefusal(await faucet.call("keysend", key, { destination: NODE }), "invalid_request");
  });
});

const NODE = `02${"ab".repeat(32)}`;

describe("payments with an operator key (faucet-api.md §10)", () => {
  it("pay_invoice with an operator key pays through a default agent it creates, and reuses it", async () => {
    const registered = await faucet.call("register", null, { name: "Paying Operator" });
    const operator = str(registered, "api_key");
    const paid = await faucet.call("pay_invoice", operator, { invoice: "lnbc15u1test" });
    expect(paid).toMatchObject({
      success: true,
      amount_sats: 1500,
      total_cost: 1500,
      routing_fee_sats: 0,
      platform_fee_sats: 0,
      new_balance: 8500,
      default_agent_created: true,
      returned_to_operator_sats: 0,
    });
    expect(str(paid, "preimage")).toMatch(/^[0-9a-f]{64}$/);
    const via = num(paid, "via_agent_id");
    // The default agent is one of the operator's agents, and the payment is on its books.
    expect(await faucet.call("list_agents", operator)).toMatchObject({
      agents: [{ id: via, name: "Default Agent", balance_sats: 0 }],
    });
    expect(await faucet.call("get_budget_status", operator, { agent_id: via })).toMatchObject({
      total_spent_sats: 1500,
    });
    expect(await faucet.call("get_balance", operator)).toEqual({ success: true, balance_sats: 8500 });

    const again = await faucet.call("keysend", operator, { destination: NODE, amount_sats: 500 });
    expect(again).toMatchObject({ success: true, via_agent_id: via, default_agent_created: false, new_balance: 8000 });
    const address = await faucet.call("pay_lightning_address", operator, {
      address: "alice@example.com",
      amount_sats: 200,
    });
    expect(address).toMatchObject({ success: true, via_agent_id: via, amount_sats: 200, new_balance: 7800 });
    expect((await faucet.call("list_agents", operator)).agents).toHaveLength(1);
  });

  it("a refused operator-key payment changes nothing and creates no agent", async () => {
    const operator = str(await faucet.call("register", null, { name: "Short Operator" }), "api_key");
    const short = await faucet.call("pay_invoice", operator, { invoice: "lnbc200u1test" }); // 20,000 sats > 10,000
    expectRefusal(short, "insufficient_balance");
    expect(short).toMatchObject({ required: 20_000, available: 10_000 });
    expect(await faucet.call("list_agents", operator)).toMatchObject({ agents: [] });
    expect(await faucet.call("get_balance", operator)).toEqual({ success: true, balance_sats: 10_000 });
  });

  it("the default agent's state and the operator key's cooldown still apply", async () => {
    const operator = str(await faucet.call("register", null, { name: "Careful Operator" }), "api_key");
    const via = num(await faucet.call("keysend", operator, { destination: NODE, amount_sats: 10 }), "via_agent_id");
    await faucet.call("update_agent", operator, { agent_id: via, updates: { is_active: false } });
    expectRefusal(await faucet.call("keysend", operator, { destination: NODE, amount_sats: 10 }), "inactive");
    await faucet.call("update_agent", operator, { agent_id: via, updates: { is_active: true } });
    await faucet.call("set_budget", operator, { agent_id: via, budget_limit_sats: 15 });
    expectRefusal(await faucet.call("keysend", operator, { destination: NODE, amount_sats: 10 }), "budget_exceeded");
    await faucet.call("set_budget", operator, { agent_id: via, budget_limit_sats: null });

    const rotated = str(await faucet.call("regenerate_operator_key", operator), "api_key");
    const paused = await faucet.call("pay_invoice", rotated, { invoice: "lnbc1u1test" });
    expectRefusal(paused, "cooldown");
    expect(await faucet.call("get_balance", rotated)).toEqual({ success: true, balance_sats: 9990 });
  });
});
