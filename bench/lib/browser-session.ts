import type { Browser, BrowserContext } from "playwright-core";

/** A fresh browser context holding a session cookie taken from sign-in. */
export async function signedInContext(browser: Browser, baseUrl: string, cookie: string, viewport = { width: 1280, height: 800 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  const [name, ...value] = cookie.split("=");
  await context.addCookies([{ name: name ?? "fc_session", value: value.join("="), url: baseUrl }]);
  return context;
}
