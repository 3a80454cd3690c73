import { request } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { EmulatorReply } from "./faucet-emulator";
import { KEEP_ALIVE_TIMEOUT_MS } from "./http-server";
import { makeTempDir, num, startHarness, str, type Harness, type Json } from "./test-support";

/** The HTTP layer: paths, methods, body limits, test-control routes and every fault kind. */

const temp = makeTempDir("http");
let faucet: Harness;
let demoKey = "";

beforeAll(async () => {
  faucet = await startHarness({ dataDir: temp.dir, testControl: true });
  demoKey = faucet.emulator.demoOperatorKey() ?? "";
});
afterAll(async () => {
  await faucet.close();
  temp.cleanup();
});
beforeEach(() => faucet.emulator.clearFaults());

async function setFaults(faults: Json): Promise<void> {
  const response = await fetch(`${faucet.base}/__test/faults`, { method: "POST", body: JSON.stringify(faults) });
  expect(response.status).toBe(200);
}

function rawPost(body: unknown, path = "/ai-agents/api"): Promise<Response> {
  return fetch(`${faucet.base}${path}`, {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const balance = async () => num(await faucet.call("get_balance", demoKey), "balance_sats");

describe("connections", () => {
  it("tells clients an idle connection stays open 10 minutes, not Node's 5 s, so a pooled client's next request is not reset", async () => {
    const response = await rawPost({ action: "whoami", api_key: demoKey });
    expect(response.status).toBe(200);
    expect(response.headers.get("keep-alive")).toBe(`timeout=${KEEP_ALIVE_TIMEOUT_MS / 1000}`);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBe(600_000);
  });
});

describe("routing", () => {
  it("serves the legacy .php path too", async () => {
    const response = await rawPost({ action: "whoami", api_key: demoKey }, "/ai-agents/api.php");
    expect(await response.json()).toMatchObject({ success: true, type: "operator" });
  });

  it("404s other paths and 405s other methods, as JSON", async () => {
    const missing = await fetch(`${faucet.base}/api/agents`, { method: "POST", body: "{}" });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ success: false });
    const get = await fetch(faucet.url);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("replies 413 to a body over 64 KB", async () => {
    const big = JSON.stringify({ action: "whoami", api_key: demoKey, pad: "x".repeat(100 * 1024) });
    const response = await rawPost(big);
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ success: false, error_code: "invalid_request" });
  });

  it("replies 413 to a chunked body over 64 KB without a Content-Length", async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(faucet.url, { method: "POST", headers: { "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on("error", reject);
      for (let i = 0; i < 10; i++) req.write("x".repeat(10 * 1024));
      req.end();
    });
    expect(status).toBe(413);
  });

  it("answers refusals with HTTP 200", async () => {
    const response = await rawPost({ action: "whoami" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  });
});

describe("faults", () => {
  it("latency delays the reply, and the action still commits", async () => {
    await setFaults({ latencyMs: 250 });
    const started = performance.now();
    expect((await faucet.call("whoami", demoKey)).success).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });

  it("a client that gives up during the latency changes nothing", async () => {
    const before = await balance();
    // Long enough that only the client's disconnect can end it within the test's timeout.
    await setFaults({ latencyMs: 10_000, actions: ["fund_agent"] });
    const client = new AbortController();
    // The client gives up once its request is inside the emulator, so it is surely during the
    // latency; the test then waits for the emulator's own verdict on it, not for a fixed time.
    let handled: Promise<EmulatorReply> | undefined;
    const handle = faucet.emulator.handle;
    const spy = vi.spyOn(faucet.emulator, "handle").mockImplementation((request) => {
      handled = handle(request);
      client.abort();
      return handled;
    });
    try {
      await expect(
        fetch(faucet.url, {
          method: "POST",
          body: JSON.stringify({ action: "fund_agent", api_key: demoKey, agent_id: 1, amount_sats: 10 }),
          signal: client.signal,
        }),
      ).rejects.toThrow();
      // The fetch failed only through abort(), which runs after `handled` is set.
      expect(handled).toBeDefined();
      expect(await handled).toMatchObject({ dropped: true });
    } finally {
      spy.mockRestore();
    }
    faucet.emulator.clearFaults();
    expect(await balance()).toBe(before);
  });

  it("failWithStatus replies that status with an HTML body and changes nothing", async () => {
    const before = await balance();
    await setFaults({ failWithStatus: 502 });
    const response = await rawPost({ action: "fund_agent", api_key: demoKey, agent_id: 1, amount_sats: 10 });
    expect(response.status).toBe(502);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toContain("<html>");
    faucet.emulator.clearFaults();
    expect(await balance()).toBe(before);
  });

  it("malformedJson processes the action, then sends an unparseable body", async () => {
    const before = await balance();
    await setFaults({ malformedJson: true, times: 1 });
    const response = await rawPost({ action: "fund_agent", api_key: demoKey, agent_id: 1, amount_sats: 10 });
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(() => JSON.parse(text)).toThrow();
    expect(await balance()).toBe(before - 10);
  });

  it("dropReplyAfterCommit drops the connection, yet the change is persisted", async () => {
    await setFaults({ dropReplyAfterCommit: true, actions: ["create_agent"] });
    await expect(faucet.call("create_agent", demoKey, { name: "Dropped Reply" })).rejects.toThrow();
    faucet.emulator.clearFaults();
    const list = await faucet.call("list_agents", demoKey);
    expect(JSON.stringify(list.agents)).toContain("Dropped Reply");
  });

  it("omitKey commits a rotation, then answers success without the new key", async () => {
    const created = await faucet.call("create_agent", demoKey, { name: "Keyless Rotation" });
    await setFaults({ omitKey: true, actions: ["regenerate_agent_key"], times: 1 });
    const reply = await faucet.call("regenerate_agent_key", demoKey, { agent_id: num(created, "agent_id") });
    expect(reply.success).toBe(true);
    expect(reply).not.toHaveProperty("api_key");
    expect(reply).not.toHaveProperty("new_api_key");
    expect((await faucet.call("whoami", str(created, "api_key"))).error_code).toBe("invalid_key");
  });

  it("refuseWith replies the given refusal without processing", async () => {
    const before = await balance();
    await setFaults({ refuseWith: { error_code: "rate_limited", error: "Slow down", retry_after: 7 } });
    expect(await faucet.call("fund_agent", demoKey, { agent_id: 1, amount_sats: 10 })).toEqual({
      success: false,
      error_code: "rate_limited",
      error: "Slow down",
      retry_after: 7,
    });
    faucet.emulator.clearFaults();
    expect(await balance()).toBe(before);
  });

  it("an actions filter leaves other actions alone", async () => {
    await setFaults({ failWithStatus: 503, actions: ["withdraw"] });
    expect((await faucet.call("whoami", demoKey)).success).toBe(true);
    expect((await rawPost({ action: "withdraw", api_key: demoKey, invoice: "lnbc" })).status).toBe(503);
  });

  it("times limits the fault to the next N affected requests", async () => {
    await setFaults({ failWithStatus: 502, times: 2 });
    expect((await rawPost({ action: "get_info" })).status).toBe(502);
    expect((await rawPost({ action: "get_info" })).status).toBe(502);
    expect((await rawPost({ action: "get_info" })).status).toBe(200);
  });

  it("{} clears the faults; invalid faults are a 400", async () => {
    await setFaults({ failWithStatus: 502 });
    await setFaults({});
    expect((await rawPost({ action: "get_info" })).status).toBe(200);
    const bad = await fetch(`${faucet.base}/__test/faults`, {
      method: "POST",
      body: JSON.stringify({ failWithStatus: "x" }),
    });
    expect(bad.status).toBe(400);
  });
});

describe("stats", () => {
  it("counts calls per action, including refused and faulted ones", async () => {
    expect((await fetch(`${faucet.base}/__test/reset-stats`, { method: "POST" })).status).toBe(200);
    await faucet.call("whoami", demoKey);
    await faucet.call("whoami", "lf_wrong");
    await faucet.call("get_info");
    await setFaults({ failWithStatus: 502, times: 1 });
    await rawPost({ action: "get_info" });
    await rawPost("garbage");
    await rawPost({ action: "nope" });
    const stats = (await (await fetch(`${faucet.base}/__test/stats`)).json()) as Json;
    expect(stats).toEqual({ success: true, calls: { whoami: 2, get_info: 2, "(invalid)": 1, "(unknown)": 1 } });
    expect(faucet.emulator.stats()).toEqual({ calls: { whoami: 2, get_info: 2, "(invalid)": 1, "(unknown)": 1 } });
    faucet.emulator.resetStats();
    expect(faucet.emulator.stats()).toEqual({ calls: {} });
  });
});

describe("operator scope", () => {
  it("counts an operator's calls, through its agents' keys and its retired keys, and scopes faults to it", async () => {
    const registered = await faucet.call("register", null, { name: "Scoped Operator" });
    const operatorId = num(registered, "operator_id");
    const oldKey = str(registered, "api_key");
    const agent = await faucet.call("create_agent", oldKey, { name: "Scoped Agent" });
    await faucet.call("whoami", str(agent, "api_key"));
    const newKey = str(await faucet.call("regenerate_operator_key", oldKey), "api_key");
    await faucet.call("whoami", oldKey);
    await faucet.call("whoami", demoKey);
    const scopedStats = async (query: string) =>
      (await (await fetch(`${faucet.base}/__test/stats?operator_id=${query}`)).json()) as Json;
    expect(await scopedStats(String(operatorId))).toEqual({
      success: true,
      calls: { create_agent: 1, whoami: 2, regenerate_operator_key: 1 },
    });
    expect((await fetch(`${faucet.base}/__test/stats?operator_id=x`)).status).toBe(400);

    await setFaults({ failWithStatus: 503, operatorIds: [operatorId] });
    expect((await rawPost({ action: "whoami", api_key: newKey })).status).toBe(503);
    expect((await rawPost({ action: "whoami", api_key: demoKey })).status).toBe(200);
    await setFaults({});
    expect((await rawPost({ action: "whoami", api_key: newKey })).status).toBe(503);
    await setFaults({ operatorIds: [operatorId] });
    expect((await rawPost({ action: "whoami", api_key: newKey })).status).toBe(200);
  });
});

describe("seed", () => {
  const seed = async (body: unknown) => {
    const response = await fetch(`${faucet.base}/__test/seed`, { method: "POST", body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Json };
  };

  it("creates an operator with N agents in one write, as register and create_agent would leave them", async () => {
    faucet.emulator.resetStats();
    const { status, body } = await seed({ name: "Fleet Operator", agentCount: 1000, agentNamePrefix: "Fleet " });
    expect(status).toBe(200);
    const agents = body.agents as { agent_id: number; name: string; api_key: string }[];
    expect(agents).toHaveLength(1000);
    expect(agents[0]!.name).toBe("Fleet 0001");
    expect(agents[999]!.name).toBe("Fleet 1000");
    expect(faucet.emulator.stats(), "seeding is not a call").toEqual({ calls: {} });
    const operatorKey = str(body, "api_key");
    expect(await faucet.call("whoami", operatorKey)).toMatchObject({
      success: true,
      type: "operator",
      id: body.operator_id,
      name: "Fleet Operator",
      agent_count: 1000,
      balance_sats: 10_000,
    });
    const listed = (await faucet.call("list_agents", operatorKey)).agents as {
      id: number;
      name: string;
      is_active: boolean;
      balance_sats: number;
    }[];
    expect(listed.map((agent) => agent.id).sort((a, b) => a - b)).toEqual(agents.map((agent) => agent.agent_id));
    expect(listed.every((agent) => agent.is_active && agent.balance_sats === 0)).toBe(true);
    expect(await faucet.call("whoami", agents[500]!.api_key)).toMatchObject({
      success: true,
      type: "agent",
      id: agents[500]!.agent_id,
      operator_id: body.operator_id,
    });
    // The operator's key works like any other: it rotates an agent's key.
    expect((await faucet.call("regenerate_agent_key", operatorKey, { agent_id: agents[0]!.agent_id })).success).toBe(
      true,
    );
  });

  it("takes agent names too, and refuses a bad seed with a 400", async () => {
    const { body } = await seed({ name: "Named Operator", agentNames: ["Alpha Bot", "Beta Bot"] });
    expect((body.agents as { name: string }[]).map((agent) => agent.name)).toEqual(["Alpha Bot", "Beta Bot"]);
    for (const bad of [
      {},
      { name: "" },
      { name: "x", agentCount: 10_001, agentNamePrefix: "a" },
      { name: "x", agentNames: [""] },
      { name: "x", agentNames: [], extra: 1 },
    ]) {
      expect((await seed(bad)).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await fetch(`${faucet.base}/__test/seed`)).status).toBe(405);
  });
});

describe("test control disabled", () => {
  it("404s every /__test route", async () => {
    const other = makeTempDir("http-off");
    const plain = await startHarness({ dataDir: other.dir });
    try {
      const base = plain.base;
      expect(
        (await fetch(`${base}/__test/faults`, { method: "POST", body: JSON.stringify({ failWithStatus: 502 }) }))
          .status,
      ).toBe(404);
      expect((await fetch(`${base}/__test/stats`)).status).toBe(404);
      expect((await fetch(`${base}/__test/reset-stats`, { method: "POST" })).status).toBe(404);
      expect(
        (await fetch(`${base}/__test/seed`, { method: "POST", body: JSON.stringify({ name: "x", agentNames: [] }) }))
          .status,
      ).toBe(404);
      expect(str(await plain.call("get_info"), "status")).toBe("operational");
    } finally {
      await plain.close();
      other.cleanup();
    }
  });
});
