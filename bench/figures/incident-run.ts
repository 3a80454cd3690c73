import type { Browser, BrowserContext } from "playwright-core";
import { faucetOk, newOperator, setFaults } from "../lib/faucet-api";
import { percentile } from "../lib/stats";

export type IncidentRun = {
  agents: number;
  concurrency: number;
  wallMs: number;
  directMs: number;
  /** agents × direct ÷ concurrency: the run with no console at all in the way. */
  idealMs: number;
  longTasks: number;
  longestTaskMs: number;
  maxRowsInDom: number;
};

type IncidentOptions = {
  browser: Browser;
  consoleUrl: string;
  faucetUrl: string;
  faucetApiUrl: string;
  agents: number;
  latencyMs: number;
  concurrency: number;
  /** Keep the machine busy: a second operator's bulk run of as many agents, in its own browser context, started just before the measured one. */
  busy?: boolean;
};

async function operatorId(faucetApiUrl: string, operatorKey: string): Promise<number> {
  return Number((await faucetOk(faucetApiUrl, { action: "whoami", api_key: operatorKey })).id);
}

/**
 * Incident mode's figure: a bulk rotation of `agents` agents through the console's page, at
 * `latencyMs` of faucet latency, against the same number of direct calls at the same
 * concurrency (agents × one direct call ÷ concurrency). In the same run, the page's long tasks
 * (over 50 ms, from a PerformanceObserver) and the most table rows the DOM held.
 */
export async function measureIncidentRun({
  browser,
  consoleUrl,
  faucetUrl,
  faucetApiUrl,
  agents,
  latencyMs,
  concurrency,
  busy = false,
}: IncidentOptions): Promise<IncidentRun> {
  const fleet = await newOperator(faucetApiUrl, "Bench incident operator", agents);
  const direct = await newOperator(faucetApiUrl, "Bench incident direct operator", 20);
  const background = busy ? await newOperator(faucetApiUrl, "Bench incident background operator", agents) : null;
  const ids = [await operatorId(faucetApiUrl, fleet.operatorKey), await operatorId(faucetApiUrl, direct.operatorKey)];
  if (background) ids.push(await operatorId(faucetApiUrl, background.operatorKey));
  await setFaults(faucetUrl, { latencyMs, actions: ["regenerate_agent_key"], operatorIds: ids });
  try {
    const directSamples: number[] = [];
    for (const agentId of direct.agentIds) {
      const start = performance.now();
      await faucetOk(faucetApiUrl, { action: "regenerate_agent_key", api_key: direct.operatorKey, agent_id: agentId });
      directSamples.push(performance.now() - start);
    }
    const directMs = percentile(directSamples, 50);

    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const backgroundContext = background ? await browser.newContext({ viewport: { width: 1280, height: 800 } }) : null;
    try {
      const backgroundRun =
        background && backgroundContext
          ? await startBackgroundRun(backgroundContext, consoleUrl, background.operatorKey, agents)
          : null;
      const page = await context.newPage();
      await page.addInitScript(() => {
        const marks = { longTasks: [] as number[], maxRows: 0 };
        (window as unknown as { __incident: typeof marks }).__incident = marks;
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries()) marks.longTasks.push(entry.duration);
        }).observe({ type: "longtask", buffered: false });
        setInterval(() => {
          marks.maxRows = Math.max(marks.maxRows, document.querySelectorAll("tr").length);
        }, 100);
      });
      await page.goto(`${consoleUrl}/`);
      await page.getByLabel("Operator API key").fill(fleet.operatorKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.waitForURL(/\/agents/);
      await page.getByRole("checkbox", { name: `Select all ${agents.toLocaleString("en")} matching` }).check();
      await page.getByRole("button", { name: "Rotate selected keys" }).click();
      const confirm = page.getByRole("button", { name: `Rotate ${agents} keys` });
      await confirm.waitFor();
      // Long tasks before the run (loading, sign-in) are not the run's.
      await page.evaluate(
        () => ((window as unknown as { __incident: { longTasks: number[] } }).__incident.longTasks.length = 0),
      );
      const start = performance.now();
      await confirm.click();
      await page.getByRole("dialog", { name: "New API keys" }).waitFor({ timeout: 10 * 60_000 });
      const wallMs = performance.now() - start;
      const marks = await page.evaluate(
        () => (window as unknown as { __incident: { longTasks: number[]; maxRows: number } }).__incident,
      );
      await backgroundRun;
      return {
        agents,
        concurrency,
        wallMs,
        directMs,
        idealMs: (agents * directMs) / concurrency,
        longTasks: marks.longTasks.filter((duration) => duration > 50).length,
        longestTaskMs: Math.max(0, ...marks.longTasks),
        maxRowsInDom: marks.maxRows,
      };
    } finally {
      await context.close();
      await backgroundContext?.close();
    }
  } finally {
    await setFaults(faucetUrl, { operatorIds: ids });
  }
}

/** Signs in as `operatorKey` and starts a bulk rotation of all its agents; resolves when its keys are revealed. */
async function startBackgroundRun(
  context: BrowserContext,
  consoleUrl: string,
  operatorKey: string,
  agents: number,
): Promise<Promise<void>> {
  const page = await context.newPage();
  await page.goto(`${consoleUrl}/`);
  await page.getByLabel("Operator API key").fill(operatorKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/agents/);
  await page.getByRole("checkbox", { name: `Select all ${agents.toLocaleString("en")} matching` }).check();
  await page.getByRole("button", { name: "Rotate selected keys" }).click();
  await page.getByRole("button", { name: `Rotate ${agents} keys` }).click();
  const revealed = page
    .getByRole("dialog", { name: "New API keys" })
    .waitFor({ timeout: 10 * 60_000 })
    .then(() => undefined);
  // Awaited after the measured run; until then a failure must not count as unhandled.
  revealed.catch(() => undefined);
  return revealed;
}
