import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { dataRoot } from "./support/test-servers";
import { readRevealedKey, rotateAgent } from "./support/console-page";
import { browserTraces, signInFreshOperator } from "./support/signed-in-operator";
import { SESSION_COOKIE } from "./support/session-cookie";

// A background poll the route still holds when a test ends has nobody left to answer: let it go quietly.
test.afterEach(async ({ page }) => page.unrouteAll({ behavior: "ignoreErrors" }));

/**
 * The canary: a freshly rotated key, once its dialog is closed, must be found nowhere the
 * browser or the server keeps things — cookies, storage, history, the HTML, the server-
 * rendered payloads, the agents JSON, react-query's cache itself and the server's log.
 * The one legitimate place, the rotation action's own response, is checked to hold it,
 * which proves the search would see a leak.
 */
const SERVER_LOG = path.join(dataRoot, "embedded", "server.log");

type Captured = { url: string; method: string; body: string };

/**
 * Every response the console sends this page, bodies included (static chunks aside), read
 * through a route where it leaves the server: Chromium keeps no copy of a streamed body (an
 * action's reply) nor of a response the page abandons (react-query cancels a list fetch on
 * reload), and a body that was not read would pass the canary silently.
 */
async function captureResponses(page: Page, origin: string): Promise<() => Promise<Captured[]>> {
  const pending: Promise<Captured>[] = [];
  await page.route(`${origin}/**`, async (route) => {
    const request = route.request();
    const method = request.method();
    const isAction = method === "POST" && (await request.headerValue("next-action")) !== null;
    if (request.url().includes("/_next/static/") || (method !== "GET" && !isAction)) return route.fallback();
    const response = await route.fetch({ maxRedirects: 0 });
    const body = await response.text();
    pending.push(Promise.resolve({ url: request.url(), method, body }));
    await route.fulfill({ response, body });
  });
  return () => Promise.all(pending);
}

/** History as script can see it, plus every URL the tab was at. */
async function historyTraces(page: Page, visited: string[]) {
  return page.evaluate(
    (urls) => ({
      urls: [...urls, location.href, document.referrer].join("\n"),
      state: JSON.stringify(history.state),
      length: String(history.length),
    }),
    visited,
  );
}

/**
 * Everything in the page's react-query cache (queries and mutations), read from the live
 * QueryClient. The app does not expose it, so this finds it the way React DevTools does: up
 * the React tree from a DOM node to the QueryClientProvider. A cache that cannot be found
 * fails the test.
 */
async function queryCacheTrace(page: Page): Promise<string> {
  const trace = await page.evaluate(() => {
    type Fiber = { return: Fiber | null; memoizedProps?: { client?: unknown } };
    type CacheLike = { getAll(): { queryKey?: unknown; state: unknown }[] };
    type Client = { getQueryCache(): CacheLike; getMutationCache(): CacheLike };
    const node = document.querySelector("main");
    const fiberKey = node && Object.keys(node).find((name) => name.startsWith("__reactFiber$"));
    let fiber = fiberKey ? ((node as unknown as Record<string, Fiber>)[fiberKey] ?? null) : null;
    while (fiber) {
      const client = fiber.memoizedProps?.client as Partial<Client> | undefined;
      if (client && typeof client.getQueryCache === "function" && typeof client.getMutationCache === "function") {
        const queries = client
          .getQueryCache()
          .getAll()
          .map(({ queryKey, state }) => ({ queryKey, state }));
        const mutations = client
          .getMutationCache()
          .getAll()
          .map(({ state }) => ({ state }));
        return JSON.stringify({ queries, mutations });
      }
      fiber = fiber.return;
    }
    return null;
  });
  if (trace === null) throw new Error("the page's react-query client was not found");
  return trace;
}

async function everyTrace(page: Page, context: BrowserContext, visited: string[], captured: () => Promise<Captured[]>) {
  const reads = (await captured()).filter((response) => response.method === "GET");
  return {
    ...(await browserTraces(page, context)),
    ...Object.fromEntries(
      Object.entries(await historyTraces(page, visited)).map(([name, text]) => [`history ${name}`, text]),
    ),
    ...Object.fromEntries(reads.map((response, index) => [`response ${index} GET ${response.url}`, response.body])),
    "react-query cache": await queryCacheTrace(page),
    "server log": readFileSync(SERVER_LOG, "utf8"),
  };
}

function findings(traces: Record<string, string>, key: string): string[] {
  // The bare hex part too: an encoding that drops the prefix would still leak the key.
  const needles = [key, key.replace(/^(lf|agent)_/, "")];
  return Object.entries(traces)
    .filter(([, text]) => needles.some((needle) => text.includes(needle)))
    .map(([place]) => place);
}

function trackVisits(page: Page): string[] {
  const visited: string[] = [];
  page.on("framenavigated", (frame) => {
    if (frame === page.mainFrame()) visited.push(frame.url());
  });
  return visited;
}

// One operator, one page and one capture for both keys: the operator key is rotated after the agent key's
// checks, so each search still runs over everything the page got since sign-in.
test("rotated keys are nowhere they should not be: an agent key after Copy and Done, and an operator key, which stays on the server (cookie, storage, history, responses, the log)", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  // Two tests' work in one: their two budgets.
  test.setTimeout(2 * 45_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const origin = baseURL ?? "";
  const captured = await captureResponses(page, origin);
  const visited = trackVisits(page);
  const { faucet, operatorKey, agents } = await signInFreshOperator(page, request, baseURL, "Canary Operator", {
    agentNames: ["Canary Bot", "Some Bot"],
  });
  const canary = agents[0]!;

  await test.step("a rotated agent key, after Copy and Done, is nowhere in the browser, the responses or the server log", async () => {
    const reveal = await rotateAgent(page, "Canary Bot");
    await reveal.getByRole("button", { name: "Copy key" }).click();
    await expect(reveal.getByRole("status")).toHaveText("Copied to the clipboard.");
    const key = await page.evaluate(() => navigator.clipboard.readText());
    expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: canary.id });

    const refetched = page.waitForResponse((response) => response.url().includes("/api/agents"));
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(reveal).toBeHidden();
    await refetched;
    const traces = await everyTrace(page, context, visited, captured);
    expect(findings(traces, key)).toEqual([]);
    // The control for the cache: what was searched is the agents list the table shows.
    expect(traces["react-query cache"]).toContain('"name":"Canary Bot"');

    await page.reload();
    await expect(page.getByRole("rowheader", { name: "Canary Bot" })).toBeVisible();
    expect((await captured()).filter((response) => response.url.includes("/api/agents")).length).toBeGreaterThan(0);
    expect(findings(await everyTrace(page, context, visited, captured), key)).toEqual([]);

    // The control: the action's response did carry the key, and the log is the console's.
    expect(
      (await captured()).filter((response) => response.method === "POST" && response.body.includes(key)),
    ).toHaveLength(1);
    expect(readFileSync(SERVER_LOG, "utf8")).toContain("Ready");
  });

  await test.step("a rotated operator key stays on the server: never in a cookie, storage, history, responses or the log", async () => {
    const cookieBefore = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)?.value;

    await page.getByRole("button", { name: "Rotate operator key" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Rotate key" }).click();
    const reveal = page.getByRole("dialog", { name: "New operator API key" });
    await expect(reveal).toBeVisible();
    const key = await readRevealedKey(page);
    expect(key).toMatch(/^lf_/);
    // The control: while shown, the search finds the key in the page.
    expect(findings(await everyTrace(page, context, visited, captured), key)).toContain("html");
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(reveal).toBeHidden();

    // The session switched to the new key (sealed in the store, under a key only the cookie holds), and the old key is dead.
    expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "operator" });
    expect((await faucet.whoami(operatorKey)).error_code).toBe("invalid_key");
    const cookieAfter = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)?.value;
    expect(cookieAfter).toBeDefined();
    expect(cookieAfter).not.toBe(cookieBefore);

    await page.reload();
    await expect(page.getByRole("rowheader", { name: "Some Bot" })).toBeVisible();
    expect(findings(await everyTrace(page, context, visited, captured), key)).toEqual([]);
    expect(
      (await captured()).filter((response) => response.method === "POST" && response.body.includes(key)),
    ).toHaveLength(1);
  });
});
