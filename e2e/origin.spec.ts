import { expect, test, type APIRequestContext } from "@playwright/test";
import { FaucetApi } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import {
  actionIds,
  callAction,
  callSignIn,
  rotationArgs,
  sessionCookieFrom,
  type ActionReply,
} from "./support/server-actions";
import { FAUCET_API, SERVERS } from "./support/servers";
import { SESSION_COOKIE } from "./support/session-cookie";

/**
 * Server actions are public POST endpoints. Sign-in and rotation refuse a foreign Origin
 * (Next.js itself) and a missing one (the console's own check), before any faucet call.
 * Each case has a same-origin control, so the test can tell a refusal from a broken call.
 * Raw HTTP against console A, with the faucet's calls counted for the test's own operator.
 */
const CONSOLE = SERVERS.remoteA.url;
const EVIL = "https://evil.example";
const KEY_PATTERN = /(lf|agent)_[0-9a-f]{32}/;

async function freshOperator(request: APIRequestContext, name: string) {
  const operator = await new FaucetApi(request, FAUCET_API).newOperator(name, ["Origin Bot"]);
  const agent = operator.agents[0];
  if (!agent) throw new Error("newOperator created no agent");
  return { ...operator, agent, control: new OperatorFaucetControl(request, operator.operatorId) };
}

function expectNoSessionAndNoKey(reply: ActionReply) {
  expect(sessionCookieFrom(reply.setCookie)).toBeUndefined();
  expect(JSON.stringify(reply.result ?? null)).not.toMatch(KEY_PATTERN);
}

/** Next.js aborts a cross-origin action before it runs: an error status, no result. */
function expectForeignRefused(reply: ActionReply) {
  expectNoSessionAndNoKey(reply);
  expect(reply.status).toBeGreaterThanOrEqual(400);
}

test("sign-in refuses a foreign and a missing Origin without asking the faucet; the same call from the console's origin signs in", async ({
  playwright,
  request,
}) => {
  const { operatorKey, control } = await freshOperator(request, "Origin Sign-in Operator");
  const ids = actionIds();
  const signInId = ids.signIn ?? "";
  // A context of its own, so the control's session cookie cannot ride along on the other calls.
  const api = await playwright.request.newContext();
  try {
    expectForeignRefused(await callSignIn(api, CONSOLE, signInId, operatorKey, { origin: EVIL }));
    const missing = await callSignIn(api, CONSOLE, signInId, operatorKey, { origin: null });
    expectNoSessionAndNoKey(missing);
    expect(missing.result).toEqual({
      ok: false,
      code: "forbidden_origin",
      message: "This sign-in did not come from the console's own page.",
    });
    expect(await control.calls("whoami")).toBe(0);

    const own = await callSignIn(api, CONSOLE, signInId, operatorKey);
    expect(sessionCookieFrom(own.setCookie)).toMatch(new RegExp(`^${SESSION_COOKIE}=\\S+`));
    // Its whoami, and the agents page the redirect renders in the same response.
    expect(await control.calls("whoami")).toBeGreaterThanOrEqual(1);
  } finally {
    await api.dispose();
  }
});

test("a foreign Origin with a forged X-Forwarded-Host naming it is refused: without declared proxies the header is not trusted", async ({
  playwright,
  request,
}) => {
  const { operatorKey, control } = await freshOperator(request, "Forwarded Host Operator");
  const api = await playwright.request.newContext();
  try {
    const forged = await callSignIn(api, CONSOLE, actionIds().signIn ?? "", operatorKey, {
      origin: EVIL,
      extraHeaders: { "x-forwarded-host": new URL(EVIL).host },
    });
    expectNoSessionAndNoKey(forged);
    expect(forged.status).toBe(403);
    expect(forged.body).toEqual({
      ok: false,
      code: "forbidden_origin",
      message: "This request did not come from the console's own page.",
    });
    expect(await control.calls("whoami")).toBe(0);
  } finally {
    await api.dispose();
  }
});

test("agent and operator rotations refuse a foreign and a missing Origin with zero faucet calls; a same-origin call rotates", async ({
  playwright,
  request,
}) => {
  const { operatorKey, agent, control } = await freshOperator(request, "Origin Rotation Operator");
  const faucet = new FaucetApi(request, FAUCET_API);
  const ids = actionIds();
  const session = await playwright.request.newContext();
  const api = await playwright.request.newContext();
  try {
    const cookie = sessionCookieFrom((await callSignIn(session, CONSOLE, ids.signIn ?? "", operatorKey)).setCookie);
    expect(cookie).toBeDefined();
    const rotateAgent = (origin: string | null | undefined) =>
      callAction(api, CONSOLE, ids.rotateAgentKey ?? "", JSON.stringify([rotationArgs({ agentId: agent.id })]), {
        cookie,
        origin,
      });
    const rotateOperator = (origin: string | null) =>
      callAction(api, CONSOLE, ids.rotateOperatorKey ?? "", JSON.stringify([rotationArgs({})]), { cookie, origin });

    for (const call of [rotateAgent, rotateOperator]) {
      expectForeignRefused(await call(EVIL));
      const missing = await call(null);
      expectNoSessionAndNoKey(missing);
      expect(missing.result).toEqual({
        ok: false,
        code: "forbidden_origin",
        message: "This request did not come from the console's own page.",
      });
    }
    expect(await control.calls("regenerate_agent_key")).toBe(0);
    expect(await control.calls("regenerate_operator_key")).toBe(0);
    expect((await faucet.whoami(agent.key)).success).toBe(true);

    const own = await rotateAgent(undefined);
    expect(own.result).toMatchObject({ ok: true, data: { apiKey: expect.stringMatching(/^agent_[0-9a-f]{32}$/) } });
    const newKey = (own.result as { data: { apiKey: string } }).data.apiKey;
    expect(await faucet.whoami(newKey)).toMatchObject({ success: true, type: "agent", id: agent.id });
    expect(await control.calls("regenerate_agent_key")).toBe(1);
    expect((await faucet.whoami(agent.key)).error_code).toBe("invalid_key");
  } finally {
    await Promise.all([session.dispose(), api.dispose()]);
  }
});
