import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { dataRoot } from "../../playwright.config";
import { FaucetApi } from "./faucet-api";
import { SERVERS } from "./servers";

/** An agent as the faucet's list_agents returns it: the oracle the table is checked against. */
export type FaucetAgentRow = { id: number; name: string; balance_sats: number; is_active: boolean; cooldown_until: string | null };

/**
 * The 10,000-agent console's demo operator, read from its embedded faucet's demo key file.
 * Only large-list.spec.ts uses this console, and it never rotates the operator key, so the
 * file stays valid for the whole run.
 */
export async function largeConsoleFaucet(request: APIRequestContext) {
  const api = new FaucetApi(request, `${SERVERS.large.url}/ai-agents/api`);
  // The embedded faucet starts (and seeds, writing the key file) on its first request.
  await api.call({ action: "get_info" });
  const operatorKey = readFileSync(join(dataRoot, "large", "faucet", "demo-operator.key"), "utf8").trim();
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
  await page.goto(`${SERVERS.large.url}/`);
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
