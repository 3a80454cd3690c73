import type { Browser } from "playwright-core";
import { signedInContext } from "../lib/browser-session";
import { faucetOk } from "../lib/faucet-api";
import type { SignedInConsole } from "./scale";

export type Countdowns = {
  viewportHeight: number;
  timersMounted: number;
  /** Intervals running in the page, by period in ms. */
  intervalsByPeriod: Record<string, number>;
  /** Intervals that tick at least once a second: the countdowns' clock. */
  tickingIntervals: number;
  mainThreadMsPerSecond: number;
  scriptMsPerSecond: number;
};

/** Wraps setInterval/clearInterval before any page script runs, to count live intervals by period. */
const INTERVAL_PROBE = () => {
  const live = new Map<number, number>();
  const originalSet = window.setInterval.bind(window);
  const originalClear = window.clearInterval.bind(window);
  window.setInterval = ((handler: TimerHandler, timeout?: number, ...args: unknown[]) => {
    const id = originalSet(handler, timeout, ...args);
    live.set(id, Number(timeout ?? 0));
    return id;
  }) as typeof window.setInterval;
  window.clearInterval = ((id?: number) => {
    if (id !== undefined) live.delete(id);
    originalClear(id);
  }) as typeof window.clearInterval;
  (window as unknown as { liveIntervals: () => number[] }).liveIntervals = () => [...live.values()];
};

const MEASURE_SECONDS = 5;

/** Puts every agent in cooldown by rotating it directly at the faucet (its list carries cooldown_until). */
export async function lockAll(faucetApiUrl: string, operatorKey: string, agentIds: readonly number[]): Promise<void> {
  for (const agentId of agentIds)
    await faucetOk(faucetApiUrl, { action: "regenerate_agent_key", api_key: operatorKey, agent_id: agentId });
}

/**
 * Figure 5: /agents filtered to "In cooldown" for an operator whose agents are all locked.
 * The table is virtualised, so a normal viewport mounts only the rows in view; a viewport
 * of `height` px that fits them all mounts every timer. Counts the timers and the page's
 * live intervals, then main-thread time over 5 s from CDP Performance.getMetrics.
 */
export async function measureCountdowns(options: {
  browser: Browser;
  console: SignedInConsole;
  locked: number;
  height: number;
}): Promise<Countdowns> {
  const { browser, console, locked, height } = options;
  const context = await signedInContext(browser, console.url, console.cookie, { width: 1280, height });
  try {
    await context.addInitScript(INTERVAL_PROBE);
    const page = await context.newPage();
    await page.goto(`${console.url}/agents?filter=cooldown`);
    await page
      .getByText(`${locked} of ${locked} agents`)
      .or(page.getByText(`${locked} agents`, { exact: true }))
      .first()
      .waitFor();
    await page.getByRole("timer").first().waitFor();
    // Let hydration, the page fetches and layout settle before measuring the steady state.
    await page.waitForTimeout(2_000);
    const timers = page.getByRole("timer");
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const metrics = async () => {
      const { metrics: list } = await cdp.send("Performance.getMetrics");
      const value = (name: string) => list.find((metric) => metric.name === name)?.value ?? 0;
      return { task: value("TaskDuration"), script: value("ScriptDuration") };
    };
    const before = await metrics();
    await page.waitForTimeout(MEASURE_SECONDS * 1000);
    const after = await metrics();
    const timersMounted = await timers.count();
    const periods = await page.evaluate(() => (window as unknown as { liveIntervals: () => number[] }).liveIntervals());
    const intervalsByPeriod: Record<string, number> = {};
    for (const period of periods) intervalsByPeriod[String(period)] = (intervalsByPeriod[String(period)] ?? 0) + 1;
    return {
      viewportHeight: height,
      timersMounted,
      intervalsByPeriod,
      tickingIntervals: periods.filter((period) => period <= 1000).length,
      mainThreadMsPerSecond: ((after.task - before.task) * 1000) / MEASURE_SECONDS,
      scriptMsPerSecond: ((after.script - before.script) * 1000) / MEASURE_SECONDS,
    };
  } finally {
    await context.close();
  }
}

/** A viewport tall enough for `rows` table rows: the table takes at most 70% of it. */
export function viewportForRows(rows: number): number {
  return Math.ceil(((rows + 2) * 57) / 0.7) + 800;
}
