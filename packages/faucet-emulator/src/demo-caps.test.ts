import { afterAll, afterEach, describe, expect, it } from "vitest";
import { createFaucetEmulator, type FaucetEmulator } from "./faucet-emulator";
import { makeTempDir } from "./test-support";

/** A demo console's embedded faucet is reachable by anyone: its growth is capped. */
const temp = makeTempDir("demo-caps");
let faucet: FaucetEmulator | null = null;
afterEach(() => {
  faucet?.close();
  faucet = null;
});
afterAll(() => temp.cleanup());

async function call(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const reply = await faucet!.handle({ bodyText: JSON.stringify(body), headers: {} });
  return JSON.parse(reply.body) as Record<string, unknown>;
}

describe("demo caps", () => {
  it("refuses register past the operator cap with a clear message, seeded operators included", async () => {
    faucet = createFaucetEmulator({ dataDir: `${temp.dir}/operators`, maxOperators: 3 });
    // The demo seed holds one operator; two more fit.
    expect((await call({ action: "register", name: "Two" })).success).toBe(true);
    expect((await call({ action: "register", name: "Three" })).success).toBe(true);
    expect(await call({ action: "register", name: "Four" })).toMatchObject({
      success: false,
      error_code: "limit_reached",
      error: expect.stringContaining("at most 3 operators"),
    });
  });

  it("refuses create_agent past the per-operator cap, leaving other operators free", async () => {
    faucet = createFaucetEmulator({ dataDir: `${temp.dir}/agents`, maxAgentsPerOperator: 2 });
    const first = String((await call({ action: "register", name: "First" })).api_key);
    const second = String((await call({ action: "register", name: "Second" })).api_key);
    for (const name of ["A", "B"])
      expect((await call({ action: "create_agent", api_key: first, name })).success).toBe(true);
    expect(await call({ action: "create_agent", api_key: first, name: "C" })).toMatchObject({
      success: false,
      error_code: "limit_reached",
      error: expect.stringContaining("at most 2 agents per operator"),
    });
    expect((await call({ action: "create_agent", api_key: second, name: "A" })).success).toBe(true);
  });

  it("does not cap the seed: a seeded operator may hold more agents than new ones may create", async () => {
    faucet = createFaucetEmulator({ dataDir: `${temp.dir}/seeded`, seedAgents: 50, maxAgentsPerOperator: 10 });
    const key = faucet.demoOperatorKey();
    expect(await call({ action: "list_agents", api_key: key, limit: 100 })).toMatchObject({ success: true });
    expect((await call({ action: "list_agents", api_key: key, limit: 100 })).agents).toHaveLength(50);
    expect(await call({ action: "create_agent", api_key: key, name: "One more" })).toMatchObject({
      success: false,
      error_code: "limit_reached",
    });
  });
});
