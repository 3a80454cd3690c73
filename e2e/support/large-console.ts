import { readFileSync } from "node:fs";
import { join } from "node:path";
import { test as base, expect, type APIRequestContext, type Page } from "@playwright/test";
import { dataRoot } from "./test-servers";
import { FaucetApi } from "./faucet-api";
import { GENEROUS_LIMITS } from "./servers";
import { startConsole } from "./spawned-console";

/** An agent as the faucet's list_agents returns it: the oracle the table is checked against. */
export type FaucetAgentRow = {
  id: number;
  name: string;
  balance_sats: number;
  is_active: boolean;
  cooldown_until: string | null;
};

type LargeConsole = { url: string; dataDir: string };
/** This worker's 10,000-agent console, once the fixture below has started it. */
let current: LargeConsole | null = null;

function largeConsole(): LargeConsole {
  if (!current) throw new Error("the 10,000-agent console is not running: call startLargeConsoleForSpec() in the spec");
  return current;
}

/**
 * `test` for large-list.spec.ts: the baseURL is its console on an embedded faucet seeded with
 * 10,000 agents, which the spec starts itself (startLargeConsoleForSpec; no other spec needs it).
 */
export const test = base.extend({
  // Unset in the hook that starts it: Playwright resolves baseURL for beforeAll hooks too.
  baseURL: async ({}, provide) => provide(current?.url),
});

/**
 * Starts the 10,000-agent console before the spec's tests (in order, in one worker) and stops it
 * after them. Hooks, not a worker-scoped fixture: a worker fixture gives the spec a worker of its
 * own, which Playwright started only after every other spec, a ~45 s tail on one worker.
 */
export function startLargeConsoleForSpec() {
  let stop: (() => Promise<void>) | undefined;
  test.beforeAll(async ({}, workerInfo) => {
    test.setTimeout(120_000);
    const dataDir = `${dataRoot}/large-${workerInfo.workerIndex}`;
    const started = await startConsole({
      dataDir,
      env: {
        FAUCET_DATA_DIR: `${dataDir}/faucet`,
        FAUCET_SEED_AGENTS: "10000",
        FAUCET_DEMO: "1",
        ...GENEROUS_LIMITS,
      },
    });
    current = { url: started.url, dataDir };
    stop = () => started.stop();
  });
  test.afterAll(async () => {
    current = null;
    await stop?.();
  });
}

/**
 * The 10,000-agent console's demo operator, read from its embedded faucet's demo key file.
 * Only large-list.spec.ts uses this console, and it never rotates the operator key, so the
 * file stays valid for the whole run.
 */
export async function largeConsoleFaucet(request: APIRequestContext) {
  const { url, dataDir } = largeConsole();
  const api = new FaucetApi(request, `${url}/ai-agents/api`);
  // The embedded faucet starts (and seeds, writing the key file) on its first request.
  await api.call({ action: "get_info" });
  const operatorKey = readFileSync(join(dataDir, "faucet", "demo-operator.key"), "utf8").trim();
  return {
    operatorKey,
    async listAgents(): Promise<FaucetAgentRow[]> {
      const reply = await api.ok({ action: "list_agents", api_key: operatorKey });
      return reply.agents as FaucetAgentRow[];
    },
    /** Rotates an agent's key directly at the faucet, as another tool of the operator would. */
    async rotate(agentId: number) {
      await api.ok({ action: "regenerate_agent_key", api_key: operatorKey, agent_id: agentId });
    },
    whoami: (apiKey: string) => api.whoami(apiKey),
  };
}

const collator = new Intl.Collator("en", { numeric: true });
/** Name order as an operator reads it: agent-2 before agent-10. */
export const byName = (a: FaucetAgentRow, b: FaucetAgentRow) => collator.compare(a.name, b.name) || a.id - b.id;

export async function signInAsDemo(page: Page) {
  await page.goto(`${largeConsole().url}/`);
  await page.getByRole("button", { name: "Use demo operator" }).click();
  await expect(page).toHaveURL(/\/agents/);
  await expect(agentNames(page).first()).toBeVisible();
}

/** The agents table (its caption names it). */
export function agentsTable(page: Page) {
  return page.getByRole("table", { name: "Agents of this operator" });
}

/** Each agent row's header cell holds the agent's name. */
export function agentNames(page: Page) {
  return agentsTable(page).getByRole("rowheader");
}

/** The first `count` names shown, once the table shows at least that many rows. */
export async function firstNames(page: Page, count: number): Promise<string[]> {
  await expect(agentNames(page).nth(count - 1)).toBeVisible();
  return (await agentNames(page).allTextContents()).slice(0, count);
}

/** An agent row (or its loading placeholder), not one of the aria-hidden spacer rows that stand in for the rest. */
export const AGENT_ROW = "tr:not([aria-hidden='true'])";
/** Agent rows in the DOM: `tbody tr` minus the spacer rows. */
export const ROWS_IN_DOM = `tbody ${AGENT_ROW}`;
