import { describe, expect, it } from "vitest";
import { createFaucetClient } from "./faucet-client";
import { FaucetError } from "./faucet-error";
import { TransportError, type FaucetRequestBody, type FaucetTransport, type RawReply } from "./transport";

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

/** A transport that answers from a script and records what was sent. */
function scripted(reply: RawReply | (() => Promise<RawReply>)) {
  const sent: FaucetRequestBody[] = [];
  const transport: FaucetTransport = async (body) => {
    sent.push(body);
    return typeof reply === "function" ? reply() : reply;
  };
  return { sent, client: createFaucetClient({ transport, timeoutMs: 200, now: () => NOW }) };
}

const ok = (fields: object): RawReply => ({ status: 200, text: JSON.stringify({ success: true, ...fields }) });
const refused = (fields: object): RawReply => ({ status: 200, text: JSON.stringify({ success: false, ...fields }) });

async function errorOf(promise: Promise<unknown>): Promise<FaucetError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FaucetError) return error;
    throw error;
  }
  throw new Error("expected a FaucetError");
}

describe("requests", () => {
  it("sends flat JSON with the action and key at the top level", async () => {
    const { client, sent } = scripted(ok({ api_key: "agent_new" }));
    await client.regenerateAgentKey("lf_operator", 7);
    expect(sent).toEqual([{ action: "regenerate_agent_key", api_key: "lf_operator", agent_id: 7 }]);
  });
});

describe("parsing", () => {
  it("reads whoami, accepting balance for balance_sats and a missing type as agent", async () => {
    const { client } = scripted(ok({ id: 3, name: "bot", balance: 42 }));
    await expect(client.whoami("agent_x")).resolves.toEqual({
      type: "agent",
      id: 3,
      name: "bot",
      balanceSats: 42,
      cooldownUntil: null,
    });
  });

  it("reads list_agents with either balance field and ISO cooldowns as epoch ms", async () => {
    const { client } = scripted(
      ok({
        agents: [
          { id: 1, name: "a", balance_sats: 10, is_active: true, cooldown_until: "2026-11-29T12:30:00Z" },
          { id: 2, name: "b", balance: 20, is_active: false, created_at: "2026-01-01" },
        ],
      }),
    );
    await expect(client.listAgents("lf_k")).resolves.toEqual([
      {
        id: 1,
        name: "a",
        balanceSats: 10,
        isActive: true,
        cooldownUntil: NOW + 30 * 60_000,
        budgetLimitSats: null,
        budgetLimitKnown: false,
        createdAt: null,
        description: null,
      },
      {
        id: 2,
        name: "b",
        balanceSats: 20,
        isActive: false,
        cooldownUntil: null,
        budgetLimitSats: null,
        budgetLimitKnown: false,
        createdAt: Date.UTC(2026, 0, 1),
        description: null,
      },
    ]);
  });

  it("takes the rotated key from api_key or new_api_key", async () => {
    expect((await scripted(ok({ api_key: "agent_a" })).client.regenerateAgentKey("lf_k", 1)).apiKey).toBe("agent_a");
    expect((await scripted(ok({ new_api_key: "lf_b" })).client.regenerateOperatorKey("lf_k")).apiKey).toBe("lf_b");
  });

  it("reports a rotation that succeeded without a key as a null key, not a failure", async () => {
    const rotation = await scripted(ok({ message: "API key rotated" })).client.regenerateAgentKey("lf_k", 1);
    expect(rotation).toEqual({ apiKey: null, cooldownUntil: null });
  });
});

describe("refusals", () => {
  it.each([
    [{ error: "Invalid API key", error_code: "invalid_key" }, "invalid_key"],
    [{ error: "Invalid API key" }, "invalid_key"],
    [{ error: "This action requires an operator key" }, "wrong_role"],
    [{ error: "Agent not found" }, "not_found"],
    [{ error: "Too many requests", retry_after: 12 }, "rate_limited"],
    [{ error: "Withdrawals locked", seconds_remaining: 90 }, "cooldown"],
    [{ error: "Something odd" }, "invalid_request"],
  ])("maps %j to %s", async (reply, kind) => {
    const error = await errorOf(scripted(refused(reply)).client.listAgents("lf_k"));
    expect(error.kind).toBe(kind);
    expect(error.mayHaveCommitted).toBe(false);
  });

  it("never passes the upstream wording on", async () => {
    const error = await errorOf(
      scripted(refused({ error: "<script>secret lf_abc</script>" })).client.listAgents("lf_k"),
    );
    expect(error.message).not.toContain("lf_abc");
    expect(error.message).toBe("The faucet refused the request as invalid.");
  });

  it("carries the cooldown end, from cooldown_until or seconds_remaining", async () => {
    const byDate = await errorOf(
      scripted(
        refused({ error_code: "cooldown", error: "x", cooldown_until: "2026-11-29T12:45:00.000Z" }),
      ).client.listAgents("k"),
    );
    expect(byDate.cooldownUntil).toBe(NOW + 45 * 60_000);
    expect(byDate.message).toBe("Withdrawals are locked until 12:45 UTC after a key rotation.");
    const bySeconds = await errorOf(
      scripted(refused({ error_code: "cooldown", seconds_remaining: 60 })).client.listAgents("k"),
    );
    expect(bySeconds.cooldownUntil).toBe(NOW + 60_000);
  });

  it("carries the retry time of a rate limit", async () => {
    const error = await errorOf(
      scripted(refused({ error_code: "rate_limited", retry_after: 7.2 })).client.listAgents("k"),
    );
    expect(error.retryAfterSeconds).toBe(8);
    expect(error.message).toContain("8 s");
  });
});

describe("failures", () => {
  it("treats a 5xx on a rotation as possibly committed, and on a read as not", async () => {
    const html = { status: 502, text: "<html>Bad gateway</html>" };
    const rotation = await errorOf(scripted(html).client.regenerateAgentKey("k", 1));
    expect(rotation).toMatchObject({ kind: "upstream_unavailable", httpStatus: 502, mayHaveCommitted: true });
    expect(rotation.message).toBe("The faucet failed (HTTP 502). Try again in a moment.");
    const read = await errorOf(scripted(html).client.listAgents("k"));
    expect(read.mayHaveCommitted).toBe(false);
  });

  it.each([
    ["not JSON", '{"success": tr'],
    ["no envelope", "[1,2,3]"],
    ["wrong field types", JSON.stringify({ success: true, agents: [{ id: "one" }] })],
  ])("maps a reply with %s to bad_response", async (_label, text) => {
    const error = await errorOf(scripted({ status: 200, text }).client.listAgents("k"));
    expect(error.kind).toBe("bad_response");
  });

  it("times out, once, and says a rotation may have happened", async () => {
    const { client, sent } = scripted(() => new Promise(() => {}));
    const error = await errorOf(client.regenerateAgentKey("k", 1));
    expect(error).toMatchObject({ kind: "timeout", mayHaveCommitted: true });
    expect(sent).toHaveLength(1);
  });

  it("tells a refused connection (never sent) from a lost reply (maybe committed)", async () => {
    const refusedConnection = await errorOf(
      scripted(() => Promise.reject(new TransportError("ECONNREFUSED", false))).client.regenerateAgentKey("k", 1),
    );
    expect(refusedConnection).toMatchObject({ kind: "upstream_unavailable", mayHaveCommitted: false });
    const lost = scripted(() => Promise.reject(new TransportError("reset", true)));
    const lostError = await errorOf(lost.client.regenerateAgentKey("k", 1));
    expect(lostError).toMatchObject({ kind: "upstream_unavailable", mayHaveCommitted: true });
    expect(lost.sent).toHaveLength(1);
  });
});

/** A transport that answers each call from a list, in order, and records what was sent. */
function sequence(...replies: RawReply[]) {
  const sent: FaucetRequestBody[] = [];
  const transport: FaucetTransport = async (body) => {
    sent.push(body);
    const reply = replies[sent.length - 1];
    if (!reply) throw new Error(`unexpected call ${sent.length}: ${JSON.stringify(body)}`);
    return reply;
  };
  return { sent, client: createFaucetClient({ transport, timeoutMs: 200, now: () => NOW }) };
}

describe("list_agents details", () => {
  it("reads budget, creation date and description, 0 budget as unlimited, and tolerates odd display fields", async () => {
    const { client } = scripted(
      ok({
        agents: [
          {
            id: 1,
            name: "a",
            balance_sats: 1,
            budget_limit_sats: 5000,
            created_at: "2026-11-01T08:00:00Z",
            description: "scraper",
          },
          { id: 2, name: "b", balance_sats: 2, budget_limit_sats: 0, created_at: 12345, description: 7 },
        ],
      }),
    );
    const [first, second] = await client.listAgents("lf_k");
    expect(first).toMatchObject({
      budgetLimitSats: 5000,
      budgetLimitKnown: true,
      createdAt: Date.UTC(2026, 10, 1, 8),
      description: "scraper",
    });
    expect(second).toMatchObject({ budgetLimitSats: null, budgetLimitKnown: true, createdAt: null, description: null });
  });

  it("refuses a list whose budget has the wrong type rather than showing it as unlimited", async () => {
    const error = await errorOf(
      scripted(ok({ agents: [{ id: 1, name: "a", budget_limit_sats: "lots" }] })).client.listAgents("k"),
    );
    expect(error.kind).toBe("bad_response");
  });
});

describe("createAgent", () => {
  it("sends name, description and budget, and reads the key from api_key or agent_api_key", async () => {
    const { client, sent } = scripted(ok({ agent_id: 9, api_key: "agent_new", name: "bot" }));
    await expect(client.createAgent("lf_k", { name: "bot", description: "d", budgetLimitSats: 500 })).resolves.toEqual({
      agentId: 9,
      apiKey: "agent_new",
      name: "bot",
    });
    expect(sent).toEqual([
      { action: "create_agent", api_key: "lf_k", name: "bot", description: "d", budget_limit_sats: 500 },
    ]);
    const cli = await scripted(ok({ agent_id: 9, agent_api_key: "agent_cli" })).client.createAgent("lf_k", {
      name: "x",
    });
    expect(cli).toEqual({ agentId: 9, apiKey: "agent_cli", name: "x" });
  });

  it("leaves an unlimited budget out of the request", async () => {
    const { client, sent } = scripted(ok({ agent_id: 1, api_key: "agent_a" }));
    await client.createAgent("lf_k", { name: "a", budgetLimitSats: null });
    expect(sent[0]).toEqual({ action: "create_agent", api_key: "lf_k", name: "a" });
  });

  it("reports a created agent without a key as a null key", async () => {
    const created = await scripted(ok({ agent_id: 4, name: "a" })).client.createAgent("lf_k", { name: "a" });
    expect(created.apiKey).toBeNull();
  });

  it("treats a lost reply as possibly committed", async () => {
    const error = await errorOf(scripted({ status: 502, text: "" }).client.createAgent("lf_k", { name: "a" }));
    expect(error).toMatchObject({ kind: "upstream_unavailable", mayHaveCommitted: true });
  });

  it("refuses a fractional budget without calling the faucet", async () => {
    const { client, sent } = scripted(ok({ agent_id: 1 }));
    const error = await errorOf(client.createAgent("lf_k", { name: "a", budgetLimitSats: 1.5 }));
    expect(error.kind).toBe("invalid_request");
    expect(sent).toHaveLength(0);
  });
});

describe("setAgentActive", () => {
  it("sends update_agent with updates.is_active", async () => {
    const { client, sent } = scripted(ok({ message: "Agent 3 updated" }));
    await expect(client.setAgentActive("lf_k", 3, false)).resolves.toEqual({ agentId: 3, isActive: false });
    expect(sent).toEqual([{ action: "update_agent", api_key: "lf_k", agent_id: 3, updates: { is_active: false } }]);
  });

  it("passes a not-found refusal on", async () => {
    const error = await errorOf(
      scripted(refused({ error_code: "not_found", error: "Agent 3 not found." })).client.setAgentActive("k", 3, true),
    );
    expect(error.kind).toBe("not_found");
  });
});

describe("setAgentBudget", () => {
  it("sends set_budget, null for unlimited, once", async () => {
    const { client, sent } = sequence(ok({}));
    await expect(client.setAgentBudget("lf_k", 5, null)).resolves.toEqual({
      agentId: 5,
      budgetLimitSats: null,
      via: "set_budget",
    });
    expect(sent).toEqual([{ action: "set_budget", api_key: "lf_k", agent_id: 5, budget_limit_sats: null }]);
  });

  it("falls back to update_agent only when set_budget is unknown, sending unlimited as 0", async () => {
    const { client, sent } = sequence(
      refused({ error_code: "unknown_action", error: "Unknown action: set_budget." }),
      ok({ message: "ok" }),
    );
    await expect(client.setAgentBudget("lf_k", 5, null)).resolves.toEqual({
      agentId: 5,
      budgetLimitSats: null,
      via: "update_agent",
    });
    expect(sent[1]).toEqual({
      action: "update_agent",
      api_key: "lf_k",
      agent_id: 5,
      updates: { budget_limit_sats: 0 },
    });
  });

  it("recognises an unknown action by its wording alone", async () => {
    const { client, sent } = sequence(refused({ error: "Unknown action" }), ok({}));
    expect((await client.setAgentBudget("lf_k", 5, 800)).via).toBe("update_agent");
    expect(sent[1]).toMatchObject({ updates: { budget_limit_sats: 800 } });
  });

  it.each([
    ["a timeout", () => new Promise<RawReply>(() => {}), "timeout"],
    ["a 500", async () => ({ status: 500, text: "" }), "upstream_unavailable"],
    ["another refusal", async () => refused({ error_code: "not_found", error: "Agent 5 not found." }), "not_found"],
  ])("never falls back after %s", async (_label, reply, kind) => {
    const { client, sent } = scripted(reply);
    const error = await errorOf(client.setAgentBudget("lf_k", 5, 100));
    expect(error.kind).toBe(kind);
    expect(sent).toHaveLength(1);
  });
});

describe("sweepAgent", () => {
  it("sends sweep with the public client's amount and reads the balances", async () => {
    const { client, sent } = scripted(
      ok({ amount_transferred: 700, new_operator_balance: 9700, new_agent_balance: 0 }),
    );
    await expect(client.sweepAgent("lf_k", 2)).resolves.toEqual({
      movedSats: 700,
      agentBalanceSats: 0,
      operatorBalanceSats: 9700,
    });
    expect(sent).toEqual([
      { action: "withdraw_from_agent", api_key: "lf_k", agent_id: 2, amount_sats: 999_999_999, sweep: true },
    ]);
  });

  it("comes out of an agent cooldown as kind cooldown with its end", async () => {
    const error = await errorOf(
      scripted(
        refused({
          error_code: "cooldown",
          error: "locked",
          cooldown_until: "2026-11-29T12:30:00.000Z",
          seconds_remaining: 1800,
        }),
      ).client.sweepAgent("k", 2),
    );
    expect(error).toMatchObject({ kind: "cooldown", cooldownUntil: NOW + 30 * 60_000, mayHaveCommitted: false });
  });

  it("maps insufficient balance to invalid_request in our own words", async () => {
    const error = await errorOf(
      scripted(
        refused({
          error_code: "insufficient_balance",
          error: "Insufficient agent balance: lf_secret",
          required: 5,
          available: 1,
        }),
      ).client.sweepAgent("k", 2),
    );
    expect(error.kind).toBe("invalid_request");
    expect(error.message).toBe("The faucet refused: the balance is too small for this amount.");
  });

  it("treats a reply without the moved amount as unreadable and possibly committed", async () => {
    const error = await errorOf(scripted(ok({ new_agent_balance: 0 })).client.sweepAgent("k", 2));
    expect(error).toMatchObject({ kind: "bad_response", mayHaveCommitted: true });
  });
});

describe("fundAgent", () => {
  it("sends the amount and reads either balance name", async () => {
    const { client, sent } = scripted(ok({ operator_balance: 9000, agent_balance: 1000, amount_transferred: 1000 }));
    await expect(client.fundAgent("lf_k", 2, 1000)).resolves.toEqual({
      agentBalanceSats: 1000,
      operatorBalanceSats: 9000,
    });
    expect(sent).toEqual([{ action: "fund_agent", api_key: "lf_k", agent_id: 2, amount_sats: 1000 }]);
    const other = await scripted(ok({ new_agent_balance: 5 })).client.fundAgent("lf_k", 2, 5);
    expect(other).toEqual({ agentBalanceSats: 5, operatorBalanceSats: null });
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses amount %s without calling the faucet", async (amount) => {
    const { client, sent } = scripted(ok({ agent_balance: 1 }));
    const error = await errorOf(client.fundAgent("lf_k", 2, amount));
    expect(error).toMatchObject({ kind: "invalid_request", mayHaveCommitted: false });
    expect(sent).toHaveLength(0);
  });
});

describe("deleteAgent", () => {
  it("reads the returned balance", async () => {
    const { client, sent } = scripted(ok({ message: "Agent 2 deleted", balance_returned: 340 }));
    await expect(client.deleteAgent("lf_k", 2)).resolves.toEqual({ returnedSats: 340 });
    expect(sent).toEqual([{ action: "delete_agent", api_key: "lf_k", agent_id: 2 }]);
  });

  it("does not invent 0 when the reply has no amount", async () => {
    const error = await errorOf(scripted(ok({ message: "deleted" })).client.deleteAgent("lf_k", 2));
    expect(error).toMatchObject({ kind: "bad_response", mayHaveCommitted: true });
  });
});

describe("getBudgetStatus", () => {
  it("reads limit, spent and remaining", async () => {
    const { client, sent } = scripted(
      ok({ agent_id: 2, budget_limit_sats: 1000, total_spent_sats: 300, remaining_sats: 700, has_budget: true }),
    );
    await expect(client.getBudgetStatus("lf_k", 2)).resolves.toEqual({
      budgetLimitSats: 1000,
      spentSats: 300,
      remainingSats: 700,
    });
    expect(sent).toEqual([{ action: "get_budget_status", api_key: "lf_k", agent_id: 2 }]);
  });

  it("reads unlimited (null or 0) as null remaining, and computes a missing remaining", async () => {
    expect(await scripted(ok({ budget_limit_sats: 0, total_spent: 50 })).client.getBudgetStatus("k", 2)).toEqual({
      budgetLimitSats: null,
      spentSats: 50,
      remainingSats: null,
    });
    expect(await scripted(ok({ budget_limit_sats: 100, total_spent: 150 })).client.getBudgetStatus("k", 2)).toEqual({
      budgetLimitSats: 100,
      spentSats: 150,
      remainingSats: 0,
    });
  });

  it("treats a read failure as not committed", async () => {
    const error = await errorOf(scripted({ status: 503, text: "" }).client.getBudgetStatus("k", 2));
    expect(error.mayHaveCommitted).toBe(false);
  });
});
