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
      { id: 1, name: "a", balanceSats: 10, isActive: true, cooldownUntil: NOW + 30 * 60_000 },
      { id: 2, name: "b", balanceSats: 20, isActive: false, cooldownUntil: null },
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
    const error = await errorOf(scripted(refused({ error: "<script>secret lf_abc</script>" })).client.listAgents("lf_k"));
    expect(error.message).not.toContain("lf_abc");
    expect(error.message).toBe("The faucet refused the request as invalid.");
  });

  it("carries the cooldown end, from cooldown_until or seconds_remaining", async () => {
    const byDate = await errorOf(
      scripted(refused({ error_code: "cooldown", error: "x", cooldown_until: "2026-11-29T12:45:00.000Z" })).client.listAgents("k"),
    );
    expect(byDate.cooldownUntil).toBe(NOW + 45 * 60_000);
    expect(byDate.message).toBe("Withdrawals are locked until 12:45 UTC after a key rotation.");
    const bySeconds = await errorOf(scripted(refused({ error_code: "cooldown", seconds_remaining: 60 })).client.listAgents("k"));
    expect(bySeconds.cooldownUntil).toBe(NOW + 60_000);
  });

  it("carries the retry time of a rate limit", async () => {
    const error = await errorOf(scripted(refused({ error_code: "rate_limited", retry_after: 7.2 })).client.listAgents("k"));
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
    ["not JSON", "{\"success\": tr"],
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
