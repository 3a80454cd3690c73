import { expect, type Page } from "@playwright/test";
import { actionIds, callSignIn, sessionCookieFrom } from "./server-actions";

/**
 * Signs in through the form, as an operator would. `signedInWithinMs`: for a dev server, which
 * compiles the signed-in page on this first sign-in.
 */
export async function signIn(page: Page, operatorKey: string, baseUrl = "", { signedInWithinMs = 10_000 } = {}) {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel("Operator API key").fill(operatorKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/agents/, { timeout: signedInWithinMs });
}

/**
 * Signs in without the form, for tests that are not about signing in: the sign-in action is
 * posted over HTTP from the page's own request context (so the console's Set-Cookie lands in
 * the browser's cookie jar), then /agents opens. The same session as the form's, without
 * loading and hydrating the sign-in page. `baseUrl` must be absolute (an Origin is sent).
 */
export async function signInOverHttp(page: Page, operatorKey: string, baseUrl: string) {
  await openSessionOverHttp(page, operatorKey, baseUrl);
  await page.goto(`${baseUrl}/agents`);
  await expect(page).toHaveURL(/\/agents/);
}

/**
 * The sign-in of signInOverHttp without opening any page: for a test whose first page is not
 * /agents (it goes there itself), so that no page loads only to be left.
 */
export async function openSessionOverHttp(page: Page, operatorKey: string, baseUrl: string) {
  const reply = await callSignIn(page.request, baseUrl, signInActionId(), operatorKey);
  expect(sessionCookieFrom(reply.setCookie), "the sign-in action sets the session cookie").toBeTruthy();
}

let signInId: string | undefined;
function signInActionId(): string {
  signInId ??= actionIds().signIn;
  if (!signInId) throw new Error("the build under test has no signIn action");
  return signInId;
}

/** Opens the confirmation for an agent and confirms it; returns the reveal dialog. */
export async function rotateAgent(page: Page, agentName: string) {
  await page.getByRole("button", { name: `Rotate key for ${agentName}` }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText("30 minutes");
  await confirm.getByRole("button", { name: "Rotate key" }).click();
  const reveal = page.getByRole("dialog", { name: `New API key for ${agentName}` });
  await expect(reveal).toBeVisible();
  return reveal;
}

/** Shows the key in an open reveal dialog and reads it. */
export async function readRevealedKey(page: Page): Promise<string> {
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Show key" }).click();
  const key = (await dialog.getByLabel("New API key", { exact: true }).textContent())?.trim() ?? "";
  expect(key).toMatch(/^(agent|lf)_[0-9a-f]{32}$/);
  return key;
}
