import { expect, test, type APIRequestContext } from "@playwright/test";
import { FaucetApi } from "./support/faucet-api";
import { actionIds, callAction, callSignIn, encodeArguments, rotationArgs, sessionCookieFrom } from "./support/server-actions";
import { FAUCET_API, SERVERS, SHARED_SECRETS } from "./support/servers";
import { SESSION_COOKIE } from "./support/session-cookie";
import { refusedStart, startConsole, type SpawnedConsole } from "./support/spawned-console";
import { dataRoot } from "../playwright.config";

const ids = actionIds();

type RotationReply = { ok: boolean; code?: string; message?: string; data?: { apiKey: string; cooldownUntil: number; warning: string | null } };

async function signInCookie(request: APIRequestContext, baseUrl: string, operatorKey: string): Promise<string> {
  const reply = await callSignIn(request, baseUrl, ids.signIn!, operatorKey);
  const cookie = sessionCookieFrom(reply.setCookie);
  expect(cookie, "sign-in sets the session cookie").toBeTruthy();
  return cookie!;
}

async function rotate(request: APIRequestContext, baseUrl: string, cookie: string, agentId: number): Promise<{ reply: RotationReply; cookie: string }> {
  const body = await encodeArguments([rotationArgs({ agentId })]);
  const response = await callAction(request, baseUrl, ids.rotateAgentKey!, body, { cookie });
  expect(response.status).toBe(200);
  return { reply: response.result as RotationReply, cookie: sessionCookieFrom(response.setCookie) ?? cookie };
}

/**
 * Consoles with the default limits and a store of their own each: limits are counted in the
 * store, so on the consoles the other tests share, their sign-ins would spend these budgets.
 */
function withDefaultLimits(name: string) {
  const holder: { console?: SpawnedConsole } = {};
  test.beforeAll(async () => {
    holder.console = await startConsole({ dataDir: `${dataRoot}/${name}`, env: { FAUCET_API_URL: FAUCET_API, FAUCET_TIMEOUT_MS: "3000", ...SHARED_SECRETS } });
  });
  test.afterAll(async () => {
    await holder.console?.stop();
  });
  return () => holder.console!.url;
}

test.describe("the rotation limit with the default settings", () => {
  const limitedUrl = withDefaultLimits("rotation-limit-console");
  test("rotations are limited per operator, with a clear message and a retry time", async ({ request }) => {
    const faucet = new FaucetApi(request, FAUCET_API);
    const names = Array.from({ length: 21 }, (_, index) => `Limited ${index + 1}`);
    const { operatorKey, agents } = await faucet.newOperator("Rate Limited Operator", names);
    let cookie = await signInCookie(request, limitedUrl(), operatorKey);
    const replies: RotationReply[] = [];
    for (const agent of agents) {
      const result = await rotate(request, limitedUrl(), cookie, agent.id);
      replies.push(result.reply);
      cookie = result.cookie;
    }
    expect(replies.slice(0, 20).every((reply) => reply.ok)).toBe(true);
    expect(replies[20]).toMatchObject({ ok: false, code: "rate_limited", message: expect.stringMatching(/^Too many rotations in a minute\. Try again in \d+ s\.$/) });
    // The refused rotation did not happen: the agent's original key still works.
    expect(await faucet.whoami(agents[20]!.key)).toMatchObject({ success: true, type: "agent" });
  });
});

test.describe("the sign-in limit with the default settings", () => {
  const limitedUrl = withDefaultLimits("sign-in-limit-console");
  test("with the default settings a changing X-Forwarded-For does not reset the sign-in limit", async ({ request }) => {
    // The defaults: 10 attempts a minute, TRUSTED_PROXY_HOPS=0 (the header is ignored).
    const results: unknown[] = [];
    for (let attempt = 1; attempt <= 12; attempt++) {
      const forged = { "x-forwarded-for": `203.0.113.${attempt}` };
      results.push((await callSignIn(request, limitedUrl(), ids.signIn!, "lf_00000000000000000000000000000000", { extraHeaders: forged })).result);
    }
    for (const result of results.slice(0, 10)) expect(result).toMatchObject({ fieldErrors: { operatorKey: expect.stringContaining("does not know this key") } });
    for (const result of results.slice(10)) expect(result).toMatchObject({ message: expect.stringMatching(/^Too many sign-in attempts\. Try again in \d+ s\.$/) });
  });
});

test("the cookie holds at least 200 cooldowns; past its capacity the user is told and the store still shows every timer", async ({ request }) => {
  test.setTimeout(240_000);
  const faucet = new FaucetApi(request, `${SERVERS.embedded.url}/ai-agents/api`);
  // Consecutive ids pack densest (about 500 fit): enough agents to fill the cookie for sure.
  const names = Array.from({ length: 700 }, (_, index) => `Capacity ${String(index + 1).padStart(3, "0")}`);
  const { operatorKey, agents } = await faucet.newOperator("Capacity Operator", names);
  let cookie = await signInCookie(request, SERVERS.embedded.url, operatorKey);
  let stored = 0;
  let warning: string | null = null;
  for (const agent of agents) {
    const result = await rotate(request, SERVERS.embedded.url, cookie, agent.id);
    expect(result.reply.ok, "the rotation itself always happens").toBe(true);
    if (result.reply.data?.warning) {
      warning = result.reply.data.warning;
      break;
    }
    stored++;
    cookie = result.cookie;
    expect(cookie.length, "the cookie stays under the browser's limit").toBeLessThan(4096);
  }
  test.info().annotations.push({ type: "cooldowns stored in one cookie", description: String(stored) });
  expect(stored).toBeGreaterThanOrEqual(200);
  expect(warning).toContain("Your session cookie is full");
  // The session still works, and the store's records show every rotation's timer and
  // fingerprint, the one past the cookie's capacity included: nothing is lost.
  const response = await request.get(`${SERVERS.embedded.url}/api/agents?sort=name&limit=200`, { headers: { cookie } });
  expect(response.status()).toBe(200);
  const page = (await response.json()) as { agents: { name: string; rotatedKeyFingerprint: string | null; cooldownUntil: number | null }[] };
  const rotated = page.agents.filter((agent) => agent.rotatedKeyFingerprint !== null && agent.cooldownUntil !== null).length;
  expect(rotated).toBe(Math.min(200, stored + 1));
});

test("a tampered or foreign session cookie reads as signed out, never an error page", async ({ page, context, request }) => {
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
    await context.addCookies([{ name: SESSION_COOKIE, value, domain: new URL(SERVERS.embedded.url).hostname, path: "/", secure: true }]);
    const response = await page.goto(`${SERVERS.embedded.url}/agents`);
    expect(response?.status()).toBe(200);
    await expect(page).toHaveURL(/\/\?reason=signed_out$/);
    await expect(page.getByRole("status")).toContainText("Your session has ended");
    const api = await page.request.get(`${SERVERS.embedded.url}/api/agents`);
    expect(api.status()).toBe(401);
  }
});

const runConsoleUntilExit = (env: Record<string, string>) => refusedStart(env, `${dataRoot}/bad-secret-${Date.now()}`);

test("a bad session secret stops start-up with a clear message", async () => {
  test.setTimeout(70_000);
  const tooShort = await runConsoleUntilExit({ FAUCET_API_URL: FAUCET_API, SESSION_SECRET: "x".repeat(31) });
  expect(tooShort.code).toBe(1);
  expect(tooShort.output).toContain("SESSION_SECRET is 31 characters; it must be at least 32");
  const missing = await runConsoleUntilExit({ FAUCET_API_URL: FAUCET_API, SESSION_SECRET: "" });
  expect(missing.code).toBe(1);
  expect(missing.output).toContain("SESSION_SECRET is required when FAUCET_API_URL is set");
});
