import type { Browser } from "playwright-core";

/**
 * Signs in through the console's own page, as a person would, and returns the session as
 * a Cookie header for the HTTP clients of the bench. `operatorKey` "demo" presses
 * "Use demo operator" (embedded faucet only).
 */
export async function signIn(browser: Browser, baseUrl: string, operatorKey: string | "demo"): Promise<string> {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${baseUrl}/`);
    if (operatorKey === "demo") {
      await page.getByRole("button", { name: "Use demo operator" }).click();
    } else {
      await page.getByLabel("Operator API key").fill(operatorKey);
      await page.getByRole("button", { name: "Sign in" }).click();
    }
    await page.waitForURL(/\/agents/);
    const session = (await context.cookies()).find((cookie) => cookie.name === "__Host-fc_session");
    if (!session) throw new Error(`signing in at ${baseUrl} set no session cookie`);
    return `__Host-fc_session=${session.value}`;
  } finally {
    await context.close();
  }
}
