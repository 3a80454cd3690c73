import { expect, type APIRequestContext, type BrowserContext, type Page } from "@playwright/test";
import { signIn, signInOverHttp } from "./console-page";
import { FaucetApi } from "./faucet-api";

/** The console a test runs against; Playwright's baseURL is optional in its types, never in this config. */
export function consoleUrl(baseURL: string | undefined): string {
  if (!baseURL) throw new Error("baseURL is not configured");
  return baseURL;
}

/** A direct client of the faucet that serves the console at `url`. */
export function faucetOf(request: APIRequestContext, url: string): FaucetApi {
  return new FaucetApi(request, `${url}/ai-agents/api`);
}

type SignInOptions = {
  agentNames?: string[];
  consoleBaseUrl?: string;
  faucetUrl?: string;
  /**
   * "http" (the default) posts the sign-in action (signInOverHttp): the same session without loading the
   * sign-in page. "form" types the key as an operator would: for tests whose property is the sign-in itself.
   */
  via?: "form" | "http";
};

/**
 * Registers a fresh operator (never the shared demo one: tests run in parallel) and signs
 * in with it (over HTTP unless `via: "form"`). Returns the faucet client to check keys against.
 */
export async function signInFreshOperator(
  page: Page,
  request: APIRequestContext,
  baseURL: string | undefined,
  name: string,
  options: SignInOptions = {},
) {
  const url = options.consoleBaseUrl ?? consoleUrl(baseURL);
  const faucet = new FaucetApi(request, options.faucetUrl ?? `${url}/ai-agents/api`);
  const operator = await faucet.newOperator(name, options.agentNames);
  if (options.via === "form") await signIn(page, operator.operatorKey, options.consoleBaseUrl ?? "");
  else await signInOverHttp(page, operator.operatorKey, url);
  return { faucet, ...operator };
}

/**
 * Every place in the browser a key could have been left behind: the page's HTML, both
 * storages, the script-visible cookies, every stored cookie's value, and the URL.
 */
export async function browserTraces(page: Page, context: BrowserContext): Promise<Record<string, string>> {
  const inPage = await page.evaluate(() => {
    const dump = (storage: Storage) =>
      Array.from({ length: storage.length }, (_, index) => {
        const name = storage.key(index) ?? "";
        return `${name}=${storage.getItem(name) ?? ""}`;
      }).join("\n");
    return { localStorage: dump(localStorage), sessionStorage: dump(sessionStorage), documentCookie: document.cookie };
  });
  const cookies = (await context.cookies()).map((cookie) => `${cookie.name}=${cookie.value}`).join("\n");
  return { html: await page.content(), url: page.url(), cookies, ...inPage };
}

/**
 * Every reply the console sends `page` (static chunks aside; only POST replies with `postsOnly`),
 * read whole through a route as the server sent it: a response listener's text() finds nothing for
 * a streamed reply the client aborted (net::ERR_ABORTED). The list fills as replies come; stop()
 * lets later replies through unread. The spec unroutes in afterEach.
 */
export async function captureReplies(page: Page, { postsOnly = false } = {}) {
  const bodies: string[] = [];
  let capturing = true;
  await page.route("**/*", async (route) => {
    const request = route.request();
    if (!capturing || request.url().includes("/_next/static/") || (postsOnly && request.method() !== "POST"))
      return route.fallback();
    const response = await route.fetch({ maxRedirects: 0 });
    const body = await response.text();
    bodies.push(body);
    // A reply still in flight when the page closes has nobody left to answer.
    await route.fulfill({ response, body }).catch(() => undefined);
  });
  return {
    bodies,
    stop: () => {
      capturing = false;
    },
  };
}

/** Asserts that `key` appears in none of the browser's traces. */
export async function expectKeyNowhere(page: Page, context: BrowserContext, key: string) {
  // The bare hex part too: an encoding that drops the prefix would still leak the key.
  const needles = [key, key.replace(/^(lf|agent)_/, "")];
  for (const [place, text] of Object.entries(await browserTraces(page, context))) {
    for (const needle of needles) expect(text.includes(needle), `key found in ${place}`).toBe(false);
  }
}
