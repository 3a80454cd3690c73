import type { Browser, BrowserContext } from "playwright-core";

/** A fresh browser context holding a session cookie taken from sign-in. */
export async function signedInContext(
  browser: Browser,
  baseUrl: string,
  cookie: string,
  viewport = { width: 1280, height: 800 },
): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  const [name, ...value] = cookie.split("=");
  // The production cookie is __Host-fc_session: Secure, Path=/, host-only (Playwright's `url` form would drop Secure on http).
  await context.addCookies([
    {
      name: name ?? "__Host-fc_session",
      value: value.join("="),
      domain: new URL(baseUrl).hostname,
      path: "/",
      secure: true,
    },
  ]);
  return context;
}
