import { expect, test } from "@playwright/test";
import { signInOverHttp } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { actionIds, callSignIn, sessionCookieFrom } from "./support/server-actions";
import { SERVERS } from "./support/servers";
import { SESSION_COOKIE } from "./support/session-cookie";

/**
 * SECURITY.md: no GET ends a session. A page that finds the faucet refusing the session's
 * key ends the session's row in the store (pages cannot clear cookies, but a cookie whose
 * row has ended opens nothing); the old GET /api/session/expired is gone.
 */
const url = SERVERS.embedded.url;

test("a cross-site link to the old /api/session/expired finds nothing and leaves a working session signed in", async ({
  request,
  playwright,
}) => {
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
  expect(forged.status()).toBe(404);
  expect(forged.headers()["set-cookie"] ?? "", "the cookie is not touched").not.toContain(SESSION_COOKIE);
  expect((await request.get(`${url}/api/agents`, { headers: { cookie } })).status()).toBe(200);
});

test("a session whose key the faucet refuses ends on /agents, and its cookie opens nothing afterwards", async ({
  page,
  request,
  context,
}) => {
  const faucet = new FaucetApi(request, `${url}/ai-agents/api`);
  const { operatorKey } = await faucet.newOperator("Revoked Page Operator", ["Gone Bot"]);
  // Over HTTP: the property is the ending, not the form (the page opens /agents and checks it).
  await signInOverHttp(page, operatorKey, url);
  await expect(page).toHaveURL(/\/agents/);
  // Rotated behind the console's back: the session's key is dead.
  await faucet.ok({ action: "regenerate_operator_key", api_key: operatorKey });

  await page.goto(`${url}/agents`);
  await expect(page).toHaveURL(`${url}/?reason=key_invalid`);
  await expect(page.getByRole("status")).toHaveText(
    /^You were signed out: the faucet no longer accepts your operator key\./,
  );
  // The browser may keep the cookie (a page cannot clear it), but its row has ended: a copy opens nothing.
  const copied = (await context.cookies(url)).find((cookie) => cookie.name === SESSION_COOKIE);
  if (copied) {
    const response = await request.get(`${url}/api/agents`, {
      headers: { cookie: `${SESSION_COOKIE}=${copied.value}` },
    });
    expect(response.status()).toBe(401);
    expect(await response.json()).toMatchObject({ reason: "key_invalid" });
  }
  await page.goto(`${url}/agents`);
  await expect(page).toHaveURL(`${url}/?reason=key_invalid`);
});
