import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEMO_KEY_FILE } from "./demo-key";
import { createFaucetEmulator, type FaucetEmulator } from "./faucet-emulator";
import { STATE_FILE } from "./data-dir";
import { callInProcess, makeTempDir, num, startHarness, str, type Json } from "./test-support";

/** What survives a restart, what the seed contains, and how failed writes are handled. */

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()?.();
});

function tempDir(): string {
  const temp = makeTempDir("persist");
  cleanups.push(temp.cleanup);
  return temp.dir;
}

function open(
  dataDir: string,
  options: { seedAgents?: number; now?: () => number; enforceRateLimit?: boolean } = {},
): FaucetEmulator {
  const emulator = createFaucetEmulator({ dataDir, ...options });
  cleanups.push(() => emulator.close());
  return emulator;
}

describe("restart", () => {
  it("keeps keys, balances and cooldowns across close and reopen", async () => {
    const dir = tempDir();
    const first = await startHarness({ dataDir: dir });
    const registered = await first.call("register", null, { name: "Persistent" });
    const operatorKey = str(registered, "api_key");
    const created = await first.call("create_agent", operatorKey, { name: "Keeper" });
    const agentId = num(created, "agent_id");
    await first.call("fund_agent", operatorKey, { agent_id: agentId, amount_sats: 1234 });
    const rotated = await first.call("regenerate_agent_key", operatorKey, { agent_id: agentId });
    const agentKey = str(rotated, "api_key");
    await first.close();

    const second = await startHarness({ dataDir: dir });
    cleanups.push(() => second.close());
    expect(await second.call("whoami", operatorKey)).toMatchObject({
      success: true,
      name: "Persistent",
      balance_sats: 10_000 - 1234,
    });
    expect(await second.call("whoami", agentKey)).toMatchObject({
      success: true,
      type: "agent",
      balance_sats: 1234,
      cooldown_until: rotated.cooldown_until,
    });
    expect(await second.call("withdraw_from_agent", operatorKey, { agent_id: agentId, amount_sats: 1 })).toMatchObject({
      error_code: "cooldown",
    });
    expect(await second.call("recover", null, { recovery_code: str(registered, "recovery_code") })).toMatchObject({
      success: true,
    });
  });

  it("keeps an operator's default agent across a restart: operator-key payments reuse it", async () => {
    const dir = tempDir();
    const first = open(dir);
    const operatorKey = str(await callInProcess(first, { action: "register" }), "api_key");
    const via = num(
      await callInProcess(first, { action: "pay_invoice", api_key: operatorKey, invoice: "lnbc1u1test" }),
      "via_agent_id",
    );
    first.close();

    const second = open(dir);
    expect(
      await callInProcess(second, { action: "pay_invoice", api_key: operatorKey, invoice: "lnbc1u1test" }),
    ).toMatchObject({ success: true, via_agent_id: via, default_agent_created: false, new_balance: 10_000 - 200 });
  });

  it("stores no plaintext key or recovery code in the state file", async () => {
    const dir = tempDir();
    const emulator = open(dir);
    const registered = await callInProcess(emulator, { action: "register" });
    const agent = await callInProcess(emulator, {
      action: "create_agent",
      api_key: str(registered, "api_key"),
      name: "A",
    });
    const file = readFileSync(join(dir, STATE_FILE), "utf8");
    for (const secret of [str(registered, "api_key"), str(registered, "recovery_code"), str(agent, "api_key")]) {
      expect(file).not.toContain(secret);
    }
    expect(file).not.toContain(emulator.demoOperatorKey() ?? "no demo key");
  });

  it("refuses a second emulator on the same data dir", () => {
    const dir = tempDir();
    open(dir);
    expect(() => createFaucetEmulator({ dataDir: dir })).toThrow(/in use/);
  });

  it("refuses to start on a corrupt state file, leaving it untouched", () => {
    const dir = tempDir();
    writeFileSync(join(dir, STATE_FILE), '{"format":"lightning-faucet-emulator/1","operators":[');
    expect(() => createFaucetEmulator({ dataDir: dir })).toThrow(/corrupt/);
    expect(readFileSync(join(dir, STATE_FILE), "utf8")).toContain("operators");
    // The failed start must not keep the lock.
    writeFileSync(join(dir, STATE_FILE), "");
    expect(() => createFaucetEmulator({ dataDir: dir })).toThrow(/corrupt/);
  });

  it("a failed write replies 500 and rolls memory back to what is on disk", async () => {
    const dir = tempDir();
    const emulator = open(dir);
    const key = emulator.demoOperatorKey() ?? "";
    const logged = vi.spyOn(console, "error").mockImplementation(() => {});
    cleanups.push(() => logged.mockRestore());
    // A directory where the temp file should go makes the next write fail.
    mkdirSync(join(dir, `${STATE_FILE}.tmp-${process.pid}`));
    const reply = await emulator.handle({
      bodyText: JSON.stringify({ action: "create_agent", api_key: key, name: "Ghost" }),
      headers: {},
    });
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body)).toEqual({ success: false, error: "Internal error", error_code: "internal" });
    const list = await callInProcess(emulator, { action: "list_agents", api_key: key });
    expect(JSON.stringify(list)).not.toContain("Ghost");
    expect(list.total).toBe(6);
    expect(logged).toHaveBeenCalledOnce();
  });
});

describe("seed", () => {
  it("seeds the demo operator and six agents, and keeps the demo key in a 0600 file", async () => {
    const dir = tempDir();
    const emulator = open(dir);
    const fileKey = readFileSync(join(dir, DEMO_KEY_FILE), "utf8").trim();
    expect(fileKey).toMatch(/^lf_[0-9a-f]{32}$/);
    expect(emulator.demoOperatorKey()).toBe(fileKey);
    expect(statSync(join(dir, DEMO_KEY_FILE)).mode & 0o777).toBe(0o600);

    expect(await callInProcess(emulator, { action: "whoami", api_key: fileKey })).toMatchObject({
      type: "operator",
      name: "Demo Operator",
      balance_sats: 250_000,
      agent_count: 6,
    });
    const list = await callInProcess(emulator, { action: "list_agents", api_key: fileKey });
    const agents = list.agents as Json[];
    expect(agents.filter((agent) => agent.is_active === false)).toHaveLength(1);
    expect(new Set(agents.map((agent) => agent.balance_sats)).size).toBeGreaterThan(3);
    const budgets = await Promise.all(
      agents.map((agent) =>
        callInProcess(emulator, { action: "get_budget_status", api_key: fileKey, agent_id: agent.id }),
      ),
    );
    expect(budgets.filter((budget) => budget.has_budget === true)).toHaveLength(1);
  });

  it("rewrites the demo key file when the demo operator's key is rotated or recovered", async () => {
    const dir = tempDir();
    let emulator = open(dir);
    const oldKey = emulator.demoOperatorKey() ?? "";
    const rotated = await callInProcess(emulator, { action: "regenerate_operator_key", api_key: oldKey });
    const newKey = str(rotated, "api_key");
    expect(readFileSync(join(dir, DEMO_KEY_FILE), "utf8").trim()).toBe(newKey);
    expect(emulator.demoOperatorKey()).toBe(newKey);
    emulator.close();
    emulator = open(dir);
    expect(emulator.demoOperatorKey()).toBe(newKey);
    expect(await callInProcess(emulator, { action: "whoami", api_key: newKey })).toMatchObject({
      name: "Demo Operator",
    });
  });

  it("reports no demo key when the file no longer matches", () => {
    const dir = tempDir();
    open(dir).close();
    writeFileSync(join(dir, DEMO_KEY_FILE), "lf_00000000000000000000000000000000\n");
    expect(open(dir).demoOperatorKey()).toBeNull();
  });

  it("seeds 10,000 generated agents and reloads them in time linear in their number", async () => {
    // Ratios against 1,000 agents in the same run, not a time: a loaded machine slows both alike, while a
    // write or a scan per agent (what this guards against) makes 10,000 cost a hundred times 1,000.
    // The baseline is the slowest of three, so one pause in it cannot shrink it.
    let smallSeedMs = 0;
    let smallReloadMs = 0;
    for (let round = 0; round < 3; round++) {
      const small = tempDir();
      const smallSeedStarted = performance.now();
      open(small, { seedAgents: 1_000 }).close();
      smallSeedMs = Math.max(smallSeedMs, performance.now() - smallSeedStarted);
      const smallReloadStarted = performance.now();
      open(small).close();
      smallReloadMs = Math.max(smallReloadMs, performance.now() - smallReloadStarted);
    }

    const dir = tempDir();
    const seedStarted = performance.now();
    const emulator = open(dir, { seedAgents: 10_000 });
    const seedMs = performance.now() - seedStarted;
    expect(seedMs / smallSeedMs).toBeLessThan(40);

    const key = emulator.demoOperatorKey() ?? "";
    const list = await callInProcess(emulator, { action: "list_agents", api_key: key });
    const agents = list.agents as Json[];
    expect(list.total).toBe(10_000);
    expect(agents[0]).toMatchObject({ id: 1, name: "agent-00001" });
    expect(agents[9_999]).toMatchObject({ name: "agent-10000" });
    expect(agents.filter((agent) => agent.is_active === false)).toHaveLength(Math.floor(10_000 / 7));
    expect(agents[6]).toMatchObject({ name: "agent-00007", is_active: false });

    // A write with 10,000 agents must stay cheap: it happens on every change.
    const writeStarted = performance.now();
    await callInProcess(emulator, { action: "fund_agent", api_key: key, agent_id: 5, amount_sats: 1 });
    const writeMs = performance.now() - writeStarted;
    emulator.close();

    const reloadStarted = performance.now();
    const reopened = open(dir);
    const reloadMs = performance.now() - reloadStarted;
    expect(await callInProcess(reopened, { action: "whoami", api_key: key })).toMatchObject({ agent_count: 10_000 });
    const page = await callInProcess(reopened, { action: "list_agents", api_key: key, limit: 2, offset: 10 });
    expect(page).toMatchObject({ total: 10_000, agents: [{ id: 11 }, { id: 12 }] });
    console.log(
      `10k agents: seed ${seedMs.toFixed(0)} ms (1k: ${smallSeedMs.toFixed(0)} ms), one write ${writeMs.toFixed(0)} ms, reload ${reloadMs.toFixed(0)} ms (1k: ${smallReloadMs.toFixed(0)} ms)`,
    );
    expect(reloadMs / smallReloadMs).toBeLessThan(40);
  });

  it("seeds deterministic balances", () => {
    const first = tempDir();
    const second = tempDir();
    open(first, { seedAgents: 50 }).close();
    open(second, { seedAgents: 50 }).close();
    const balances = (dir: string) =>
      (
        JSON.parse(readFileSync(join(dir, STATE_FILE), "utf8")) as { agents: Array<{ balanceSats: number }> }
      ).agents.map((a) => a.balanceSats);
    expect(balances(first)).toEqual(balances(second));
  });
});

describe("rate limits", () => {
  it("counts per key, and refuses past 60/minute only when enforcement is on", async () => {
    let clock = Date.parse("2030-01-01T00:00:00Z");
    const emulator = open(tempDir(), { now: () => clock, enforceRateLimit: true });
    const key = emulator.demoOperatorKey() ?? "";
    for (let i = 0; i < 59; i++) await callInProcess(emulator, { action: "get_balance", api_key: key });
    expect(await callInProcess(emulator, { action: "get_rate_limits", api_key: key })).toMatchObject({
      requests_remaining: 0,
    });
    clock += 15_000;
    const limited = await callInProcess(emulator, { action: "get_balance", api_key: key });
    expect(limited).toMatchObject({ success: false, error_code: "rate_limited", retry_after: 45 });
    clock += 45_000;
    expect(await callInProcess(emulator, { action: "get_balance", api_key: key })).toMatchObject({ success: true });
  });
});

describe("shutdown", () => {
  it("handle never throws after close; it answers 503", async () => {
    const emulator = createFaucetEmulator({ dataDir: tempDir() });
    emulator.close();
    const reply = await emulator.handle({ bodyText: "{}", headers: {} });
    expect(reply.status).toBe(503);
  });
});
