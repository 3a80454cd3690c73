import { expect, test } from "@playwright/test";
import { signIn } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { actionIds, callSignIn, sessionCookieFrom } from "./support/server-actions";
import { SERVERS } from "./support/servers";
import { SESSION_COOKIE } from "./support/session-cookie";

/**
 * SECURITY.md: GET /api/session/expired is reachable from any site, so it only clears a
 * session whose key the faucet refuses; a forged link signs no one out.
 */
const url = SERVERS.embedded.url;

test("a cross-site link to /api/session/expired leaves a working session signed in", async ({ request, playwright }) => {
  const faucet = new FaucetApi(request, `${url}/ai-agents/api`);
  const { operatorKey } = await faucet.newOperator("Forced Out Operator", ["Stay Bot"]);
  const signer = await playwright.request.newContext();
  const cookie = sessionCookieFrom((await callSignIn(signer, url, actionIds().signIn!, operatorKey)).setCookie)!;
  await signer.dispose();
  expect(cookie).toBeTruthy();

  const forged = await request.get(`${url}/api/session/expired`, {
    maxRedirects: 0,
    headers: { cookie, "sec-fetch-site": "cross-site", referer: "https://evil.example/" },
  });
  expect(forged.status()).toBe(307);
  expect(forged.headers().location).toBe("/agents");
  expect(forged.headers()["set-cookie"] ?? "", "the cookie is not touched").not.toContain(SESSION_COOKIE);
  expect((await request.get(`${url}/api/agents`, { headers: { cookie } })).status()).toBe(200);
});

test("a session whose key the faucet refuses is cleared there, and /agents leads the browser to it", async ({ page, request, context }) => {
  const faucet = new FaucetApi(request, `${url}/ai-agents/api`);
  const { operatorKey } = await faucet.newOperator("Revoked Page Operator", ["Gone Bot"]);
  await signIn(page, operatorKey, url);
  await expect(page).toHaveURL(/\/agents/);
  // Rotated behind the console's back: the session's key is dead.
  await faucet.ok({ action: "regenerate_operator_key", api_key: operatorKey });

  await page.goto(`${url}/agents`);
  await expect(page).toHaveURL(`${url}/?reason=key_invalid`);
  await expect(page.getByRole("status")).toHaveText(/^You were signed out: the faucet no longer accepts your operator key\./);
  expect((await context.cookies(url)).find((cookie) => cookie.name === SESSION_COOKIE)).toBeUndefined();
});
