import type { Browser } from "playwright-core";
import { signedInContext } from "../lib/browser-session";
import { percentile, timed } from "../lib/stats";

export type SignedInConsole = { url: string; cookie: string };

/**
 * Medians of two requests timed in alternation, so both see the same machine; `gapMs`
 * before each round (e.g. longer than the 2 s for which page requests reuse a list); the
 * first `warmUp` rounds are not counted.
 */
export async function interleavedMedians(
  requests: [() => Promise<number | void>, () => Promise<number | void>],
  samples: number,
  { gapMs = 0, warmUp = 3 } = {},
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let index = 0; index < samples + warmUp; index++) {
    if (gapMs > 0) await new Promise((resolve) => setTimeout(resolve, gapMs));
    for (const [which, request] of requests.entries()) {
      const { ms, value } = await timed(request);
      // A request that returns a number times itself (e.g. to its first byte).
      if (index >= warmUp) times[which as 0 | 1].push(typeof value === "number" ? value : ms);
    }
  }
  return [percentile(times[0], 50), percentile(times[1], 50)];
}

/**
 * Time to first byte of a signed-in GET: from sending the request to the first chunk of the
 * body (the shell Next.js flushes before anything it streams behind Suspense); the rest is read.
 */
export function signedInFirstByte({ url, cookie }: SignedInConsole, path: string): () => Promise<number> {
  return async () => {
    const start = performance.now();
    const response = await fetch(`${url}${path}`, { headers: { cookie }, redirect: "manual" });
    if (response.status !== 200 || !response.body) throw new Error(`${url}${path} answered HTTP ${response.status}`);
    const reader = response.body.getReader();
    const first = await reader.read();
    const firstByteMs = performance.now() - start;
    if (first.done) throw new Error(`${url}${path} answered an empty body`);
    while (!(await reader.read()).done) {
      // Read to the end, as a browser would.
    }
    return firstByteMs;
  };
}

/** A GET with the session, read to the end; anything but 200 stops the bench. */
export function signedInGet({ url, cookie }: SignedInConsole, path: string): () => Promise<void> {
  return async () => {
    const response = await fetch(`${url}${path}`, { headers: { cookie }, redirect: "manual" });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url}${path} answered HTTP ${response.status}`);
  };
}

/** Records, from the page itself, when the first agent row appears (ms after navigation start). */
const FIRST_ROW_PROBE = () => {
  const probe = window as unknown as { firstRowAt?: number };
  const observer = new MutationObserver(() => {
    if (document.querySelector("tbody th[scope='row']")) {
      probe.firstRowAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
};

/** Median time until rows are visible in chromium, a fresh context per load, consoles interleaved. */
export async function rowsVisibleMs(
  browser: Browser,
  consoles: [SignedInConsole, SignedInConsole],
  loads: number,
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let index = 0; index < loads + 1; index++) {
    for (const [which, { url, cookie }] of consoles.entries()) {
      const context = await signedInContext(browser, url, cookie);
      try {
        await context.addInitScript(FIRST_ROW_PROBE);
        const page = await context.newPage();
        await page.goto(`${url}/agents`);
        await page.getByRole("rowheader").first().waitFor();
        const at = await page.evaluate(() => (window as unknown as { firstRowAt?: number }).firstRowAt);
        if (at === undefined) throw new Error("the first-row probe saw no row");
        if (index >= 1) times[which as 0 | 1].push(at);
      } finally {
        await context.close();
      }
    }
  }
  return [percentile(times[0], 50), percentile(times[1], 50)];
}

export type ScrollRows = { maxRows: number; samples: number; reachedEnd: boolean; endRowsVisibleMs: number };

/**
 * Figure 4: scrolls a 10,000-agent table from top to bottom with the mouse wheel while a
 * MutationObserver samples the agent rows in the DOM (tbody rows minus the spacer rows) on
 * every change; then how long the last rows took to show after the scroll stopped.
 */
export async function scrollRows(browser: Browser, console: SignedInConsole, lastName: string): Promise<ScrollRows> {
  const context = await signedInContext(browser, console.url, console.cookie);
  try {
    const page = await context.newPage();
    await page.goto(`${console.url}/agents`);
    await page.getByRole("rowheader").first().waitFor();
    const probe = await page.evaluateHandle(() => {
      const sample = { max: 0, samples: 0 };
      const body = document.querySelector("tbody");
      if (!body) return sample;
      new MutationObserver(() => {
        sample.samples += 1;
        sample.max = Math.max(sample.max, body.querySelectorAll("tr:not([aria-hidden='true'])").length);
      }).observe(body, { childList: true, subtree: true });
      return sample;
    });
    await page.getByRole("columnheader", { name: "Name" }).hover();
    const scroller = page.locator("[data-testid='agents-scroller']");
    for (let step = 0; step < 1_000; step++) {
      const atEnd = await scroller.evaluate(
        (element) => element.scrollTop + element.clientHeight >= element.scrollHeight - 1,
      );
      if (atEnd) break;
      await page.mouse.wheel(0, 4_000);
    }
    const { ms: endRowsVisibleMs } = await timed(() =>
      page.getByRole("rowheader", { name: lastName, exact: true }).waitFor({ timeout: 60_000 }),
    );
    const sampled = await probe.evaluate((sample) => ({ ...sample }));
    const reachedEnd = await page.getByRole("rowheader", { name: lastName, exact: true }).isVisible();
    return { maxRows: sampled.max, samples: sampled.samples, reachedEnd, endRowsVisibleMs };
  } finally {
    await context.close();
  }
}
