import { expect, test, type APIRequestContext } from "@playwright/test";
import { withAgentCooldown } from "../lib/session/cookie-cooldowns";
import type { SessionCookie } from "../lib/session/session-data";
import { COOKIE_LIMIT_BYTES, sealSession, unsealSession } from "../lib/session/session-seal";
import { parseSessionSecret } from "../lib/config/session-secret";
import { rotateAgent } from "./support/console-page";
import { FaucetApi, seedOperator } from "./support/faucet-api";
import { actionIds, callSignIn, sessionCookieFrom } from "./support/server-actions";
import { SERVERS, SHARED_SECRETS } from "./support/servers";
import { SESSION_COOKIE } from "./support/session-cookie";

const ids = actionIds();

async function signInCookie(request: APIRequestContext, baseUrl: string, operatorKey: string): Promise<string> {
  const reply = await callSignIn(request, baseUrl, ids.signIn!, operatorKey);
  const cookie = sessionCookieFrom(reply.setCookie);
  expect(cookie, "sign-in sets the session cookie").toBeTruthy();
  return cookie!;
}

// The rotation and sign-in limits with the default settings (20 rotations per operator, 10 sign-ins
// per client address, X-Forwarded-For ignored) need no browser and no console of their own:
// in-process/limits.test.ts. The peer address a real HTTP server hands the app: e2e/sign-in-lockout.spec.ts.

/**
 * The cookie's capacity itself (at least 200 timers, the warning past it, the store keeping
 * every timer) is proven in-process: in-process/cookie-capacity.test.ts. What needs a
 * browser is that a cookie filled to that capacity by the console's own Set-Cookie is
 * accepted, sent back, and still opens the session.
 */
test("a session cookie filled to capacity by a rotation is accepted by the browser and still opens the session", async ({
  page,
  context,
  request,
}) => {
  const consoleUrl = SERVERS.remoteA.url;
  const names = Array.from({ length: 600 }, (_, index) => `Full ${String(index + 1).padStart(3, "0")}`);
  const { operatorKey, agents } = await seedOperator(request, "Full Cookie Operator", names);
  const signedIn = await signInCookie(request, consoleUrl, operatorKey);
  // Console A's secret is known to the tests (SHARED_SECRETS): fill the cookie with timers for
  // the operator's own agents until one more would pass the limit, less a margin for the rotation's own.
  const passwords = parseSessionSecret(SHARED_SECRETS.SESSION_SECRET);
  const opened = await unsealSession(signedIn.slice(`${SESSION_COOKIE}=`.length), passwords);
  expect(opened, "the sign-in's cookie opens with console A's secret").not.toBeNull();
  const now = Date.now();
  const bytesOf = async (cookie: SessionCookie) => `${SESSION_COOKIE}=${await sealSession(cookie, passwords)}`.length;
  let full: SessionCookie = { ...opened!, agentCooldowns: [] };
  for (const agent of agents.slice(1)) {
    const next = withAgentCooldown(full, { agentId: agent.id, until: now + 1_800_000, keyTail: "abcd" }, now);
    if ((await bytesOf(next)) > COOKIE_LIMIT_BYTES - 120) break;
    full = next;
  }
  const prefilled = full.agentCooldowns.length;
  expect(prefilled).toBeGreaterThanOrEqual(200);
  await context.addCookies([
    {
      name: SESSION_COOKIE,
      value: await sealSession(full, passwords),
      domain: new URL(consoleUrl).hostname,
      path: "/",
      secure: true,
    },
  ]);

  await page.goto(`${consoleUrl}/agents`);
  const reveal = await rotateAgent(page, agents[0]!.name);
  await expect(reveal, "the rotation's cookie fitted: no warning").not.toContainText("cookie is full");
  // The browser took the console's Set-Cookie: it now holds one more timer, near the limit.
  const stored = (await context.cookies(consoleUrl)).find((cookie) => cookie.name === SESSION_COOKIE);
  expect(stored, "the browser kept the session cookie").toBeTruthy();
  const held = await unsealSession(stored!.value, passwords);
  expect(held?.agentCooldowns).toHaveLength(prefilled + 1);
  expect(`${SESSION_COOKIE}=${stored!.value}`.length).toBeGreaterThan(COOKIE_LIMIT_BYTES - 200);
  expect(`${SESSION_COOKIE}=${stored!.value}`.length).toBeLessThan(COOKIE_LIMIT_BYTES);
  // It still opens the session, for a page (in a second tab: the reveal holds this one) and for the data route.
  const second = await context.newPage();
  await second.goto(`${consoleUrl}/agents`);
  await expect(second).toHaveURL(/\/agents$/);
  await expect(second.getByRole("table", { name: "Agents of this operator" })).toBeVisible();
  expect((await second.request.get(`${consoleUrl}/api/agents?limit=1`)).status()).toBe(200);
});

test("a tampered or foreign session cookie reads as signed out, never an error page", async ({
  page,
  context,
  request,
}) => {
  const faucet = new FaucetApi(request, `${SERVERS.embedded.url}/ai-agents/api`);
  const { operatorKey } = await faucet.newOperator("Tamper Operator", ["Tamper Bot"]);
  const cookie = await signInCookie(request, SERVERS.embedded.url, operatorKey);
  const seal = cookie.slice(`${SESSION_COOKIE}=`.length);
  const variants = [
    seal.slice(0, 40) + (seal[40] === "x" ? "y" : "x") + seal.slice(41),
    seal.slice(0, seal.length - 10),
    "Fe26.2**garbage",
    "not-a-seal",
  ];
  for (const value of variants) {
    await context.clearCookies();
    // A __Host- cookie must be Secure with Path=/ and no Domain; Playwright's `url` form would set Secure from the http scheme.
    await context.addCookies([
      { name: SESSION_COOKIE, value, domain: new URL(SERVERS.embedded.url).hostname, path: "/", secure: true },
    ]);
    const response = await page.goto(`${SERVERS.embedded.url}/agents`);
    expect(response?.status()).toBe(200);
    await expect(page).toHaveURL(/\/\?reason=signed_out$/);
    await expect(page.getByRole("status")).toContainText("Your session has ended");
    const api = await page.request.get(`${SERVERS.embedded.url}/api/agents`);
    expect(api.status()).toBe(401);
  }
});
