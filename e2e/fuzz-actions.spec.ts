import { expect, test, type APIRequestContext } from "@playwright/test";
import fc from "fast-check";
import { envInteger } from "./support/env-number";
import {
  agentsQuery,
  anyArguments,
  bulkBody,
  bulkContentType,
  cookieArbitrary,
  isValidRotateAgentInput,
  isValidRotateOperatorInput,
  malformedOperatorKey,
  rotationArgumentsArbitrary,
  TYPED_CODES,
} from "../in-process/support/action-inputs";
import { checkAll as checkSamples } from "./support/check-all";
import { FaucetApi } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { actionIds, callAction, callSignIn, encodeArguments, sessionCookieFrom } from "./support/server-actions";
import { FAUCET_API, SERVERS } from "./support/servers";
import { SESSION_COOKIE } from "./support/session-cookie";

/**
 * The HTTP wiring of the fuzz properties: a sample of random arguments and tampered cookies
 * per server action and route, sent as a browser or a hand-made request would. Never a 5xx,
 * always a typed answer, never a faucet call for input the console must reject. The
 * properties themselves run 1,000 inputs each in-process (in-process/server-actions.fuzz.test.ts,
 * routes.fuzz.test.ts, proxy.fuzz.test.ts, same arbitraries); this proves Next's own
 * decoding and the proxy sit in front. Runs against console A so the faucet's calls can be counted.
 */
const RUNS = 50;
/** Requests in flight at once: the server, not the generator, is the slow part. */
const CONCURRENCY = envInteger("FUZZ_CONCURRENCY", { fallback: 4, min: 1, max: 64 });

/** fast-check samples checked CONCURRENCY at a time (e2e/support/check-all.ts). */
function checkAll<T>(arbitrary: fc.Arbitrary<T>, runs: number, check: (value: T) => Promise<void>): Promise<void> {
  return checkSamples(arbitrary, runs, check, CONCURRENCY);
}
const consoleUrl = SERVERS.remoteA.url;
const ids = actionIds();

// Each test has its own operator (and faucet counts scoped to it): they run in parallel.
test.setTimeout(120_000);

async function signedInCookie(request: APIRequestContext, operatorKey: string): Promise<string> {
  const reply = await callSignIn(request, consoleUrl, ids.signIn!, operatorKey);
  const cookie = sessionCookieFrom(reply.setCookie);
  expect(cookie, "a real sign-in sets the session cookie").toBeTruthy();
  return cookie!;
}

test("rotation actions answer random arguments and cookies with typed errors and no faucet call", async ({
  request,
}) => {
  const faucet = new FaucetApi(request, FAUCET_API);
  const { operatorKey, operatorId } = await faucet.newOperator("Fuzz Operator", ["Fuzz Target"]);
  // Counts only this operator's calls, so tests running alongside do not disturb the check.
  const control = new OperatorFaucetControl(request, operatorId);
  const validCookie = await signedInCookie(request, operatorKey);
  const before = await control.allCalls();

  for (const [name, isValid] of [
    ["rotateAgentKey", isValidRotateAgentInput],
    ["rotateOperatorKey", isValidRotateOperatorInput],
  ] as const) {
    await checkAll(
      // Argument lists React's encoder sends, and bodies that are no argument list at all.
      fc.tuple(rotationArgumentsArbitrary(isValid), cookieArbitrary(validCookie)),
      RUNS,
      async ([{ list, raw }, cookie]) => {
        const body = raw ? JSON.stringify(list) : await encodeArguments(list as unknown[]);
        const reply = await callAction(request, consoleUrl, ids[name]!, body, { cookie });
        expect(reply.status).toBeLessThan(500);
        // Not an argument list at all: refused by the proxy with a typed 400 before the action.
        const result = reply.status === 400 ? reply.body : reply.result;
        expect(result).toMatchObject({ ok: false });
        expect(TYPED_CODES).toContain((result as { code: string }).code);
      },
    );
  }
  expect(await control.allCalls(), "no faucet call for rejected input").toEqual(before);
});

test("the bulk rotation route answers random bodies, content types and cookies with typed JSON and no faucet call", async ({
  request,
}) => {
  const faucet = new FaucetApi(request, FAUCET_API);
  const { operatorKey, operatorId } = await faucet.newOperator("Bulk Fuzz Operator", ["Bulk Fuzz Target"]);
  const control = new OperatorFaucetControl(request, operatorId);
  const validCookie = await signedInCookie(request, operatorKey);
  const before = await control.allCalls();
  await checkAll(
    fc.tuple(bulkBody, bulkContentType, cookieArbitrary(validCookie)),
    RUNS,
    async ([body, contentType, cookie]) => {
      const response = await request.post(`${consoleUrl}/api/bulk/rotate-agent-key`, {
        headers: { "content-type": contentType, origin: consoleUrl, ...(cookie ? { cookie } : {}) },
        data: body,
        maxRedirects: 0,
      });
      expect(response.status()).toBeLessThan(500);
      expect(response.headers()["cache-control"]).toBe("no-store");
      const result = (await response.json()) as { ok: boolean; code: string };
      expect(result.ok).toBe(false);
      expect(TYPED_CODES).toContain(result.code);
    },
  );
  expect(await control.allCalls(), "no faucet call for rejected input").toEqual(before);
});

test("the sign-in form's action answers keys of every malformed shape with a specific message and no session", async ({
  request,
}) => {
  // "No faucet call" for these keys is proven in-process, with the control that a
  // well-formed key does reach the faucet (in-process/server-actions.fuzz.test.ts).
  await checkAll(malformedOperatorKey, RUNS, async (key) => {
    const reply = await callSignIn(request, consoleUrl, ids.signIn!, key);
    expect(reply.status).toBe(200);
    const state = reply.result as { fieldErrors?: { operatorKey?: string } };
    expect(state.fieldErrors?.operatorKey).toMatch(/API key|too (long|short)|Enter the operator/);
    expect(reply.setCookie ?? "").not.toContain(`${SESSION_COOKIE}=Fe26`);
  });
});

test("sign-out and demo sign-in accept any arguments without a 5xx", async ({ request }) => {
  await checkAll(anyArguments, RUNS, async (args) => {
    for (const name of ["signOut", "signInAsDemo"] as const) {
      const reply = await callAction(
        request,
        consoleUrl,
        ids[name]!,
        Array.isArray(args) ? await encodeArguments(args) : JSON.stringify(args),
      );
      expect(reply.status).toBeLessThan(500);
    }
  });
});

test("the agents data route answers random queries and cookies with JSON, never a 5xx", async ({ request }) => {
  const faucet = new FaucetApi(request, FAUCET_API);
  const { operatorKey } = await faucet.newOperator("Fuzz Reader", ["Reader Bot"]);
  const validCookie = await signedInCookie(request, operatorKey);
  await checkAll(fc.tuple(agentsQuery, cookieArbitrary(validCookie)), RUNS, async ([query, cookie]) => {
    const response = await request.get(`${consoleUrl}/api/agents?${new URLSearchParams(query)}`, {
      headers: cookie ? { cookie } : {},
    });
    expect([200, 401]).toContain(response.status());
    const body = (await response.json()) as { agents?: unknown[]; reason?: string };
    if (response.status() === 200) expect(body.agents!.length).toBeLessThanOrEqual(200);
    else expect(body.reason).toBe("signed_out");
  });
});

test("the embedded faucet's HTTP endpoint answers random bodies without a 5xx", async ({ request }) => {
  const endpoint = `${SERVERS.embedded.url}/ai-agents/api`;
  await checkAll(
    fc.oneof(
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.string({ maxLength: 500 }),
    ),
    RUNS,
    async (body) => {
      const response = await request.post(endpoint, { data: body, headers: { "content-type": "application/json" } });
      expect(response.status()).toBe(200);
      const reply = (await response.json()) as { success: boolean; error?: string };
      expect(reply.success).toBe(false);
      expect(reply.error).toBeTruthy();
    },
  );
});
