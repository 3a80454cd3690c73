import { expect, test, type APIRequestContext } from "@playwright/test";
import fc from "fast-check";
import { createServer, type Server } from "node:http";
import { envInteger } from "../lib/config/env-number";
import { checkAll as checkSamples } from "./support/check-all";
import { FaucetApi } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { startConsole } from "./support/spawned-console";
import { actionIds, callAction, callSignIn, encodeArguments, sessionCookieFrom } from "./support/server-actions";
import { FAUCET_API, SERVERS } from "./support/servers";
import { SESSION_COOKIE } from "./support/session-cookie";

/**
 * Property-based abuse of every server action and route handler: random arguments, random
 * and tampered cookies. Never a 5xx, always a typed answer, and never a faucet call for
 * input the console must reject. Runs against console A so the faucet's calls can be counted.
 */
const RUNS = 1000;
/** Requests in flight at once: the server, not the generator, is the slow part. */
const CONCURRENCY = envInteger("FUZZ_CONCURRENCY", { fallback: 4, min: 1, max: 64 });

/** fast-check samples checked CONCURRENCY at a time (e2e/support/check-all.ts). */
function checkAll<T>(arbitrary: fc.Arbitrary<T>, runs: number, check: (value: T) => Promise<void>): Promise<void> {
  return checkSamples(arbitrary, runs, check, CONCURRENCY);
}
const consoleUrl = SERVERS.remoteA.url;
const ids = actionIds();

test.describe.configure({ mode: "serial" });
test.setTimeout(240_000);

/** A real session plus broken variants of it: what a tampering client can send. */
function cookieArbitrary(validCookie: string) {
  const seal = validCookie.slice(`${SESSION_COOKIE}=`.length);
  return fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 300 }).map((value) => `${SESSION_COOKIE}=${encodeURIComponent(value)}`),
    fc.nat({ max: seal.length - 1 }).chain((at) =>
      fc.constantFrom("A", "z", "0", "*", "~").map((char) => `${SESSION_COOKIE}=${seal.slice(0, at)}${char === seal[at] ? "B" : char}${seal.slice(at + 1)}`),
    ),
    fc.nat({ max: seal.length - 1 }).map((length) => `${SESSION_COOKIE}=${seal.slice(0, length)}`),
    fc.constant(validCookie),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** A rotation confirmation's own fields: `{ attemptId: uuid, knownRotationAt: int ≥ 0 | null, ownAttemptId: uuid | null }`. */
function isValidConfirmation(input: { attemptId?: unknown; knownRotationAt?: unknown; ownAttemptId?: unknown }): boolean {
  return (
    typeof input.attemptId === "string" &&
    UUID.test(input.attemptId) &&
    (input.knownRotationAt === null || (Number.isInteger(input.knownRotationAt) && (input.knownRotationAt as number) >= 0)) &&
    (input.ownAttemptId === null || (typeof input.ownAttemptId === "string" && UUID.test(input.ownAttemptId)))
  );
}

/** Arguments that are a valid agent confirmation (`agentId`: positive int, optional `batchId`: uuid) and nothing else. */
function isValidRotateAgentInput(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const input = value as { agentId?: unknown; batchId?: unknown };
  const keys = Object.keys(value).sort().join();
  const batchOk = !("batchId" in input) || (typeof input.batchId === "string" && UUID.test(input.batchId));
  return (
    (keys === "agentId,attemptId,knownRotationAt,ownAttemptId" || keys === "agentId,attemptId,batchId,knownRotationAt,ownAttemptId") &&
    batchOk &&
    Number.isInteger(input.agentId) &&
    (input.agentId as number) > 0 &&
    isValidConfirmation(value)
  );
}

function isValidRotateOperatorInput(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.keys(value).sort().join() === "attemptId,knownRotationAt,ownAttemptId" && isValidConfirmation(value);
}

const TYPED_CODES = ["signed_out", "invalid_input", "forbidden_origin", "rate_limited"];

async function signedInCookie(request: APIRequestContext, operatorKey: string): Promise<string> {
  const reply = await callSignIn(request, consoleUrl, ids.signIn!, operatorKey);
  const cookie = sessionCookieFrom(reply.setCookie);
  expect(cookie, "a real sign-in sets the session cookie").toBeTruthy();
  return cookie!;
}

test("rotation actions answer random arguments and cookies with typed errors and no faucet call", async ({ request }) => {
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
      fc.tuple(
        fc.oneof(
          // What a page (or anyone using React's encoder) can send: any argument list.
          fc.array(fc.anything({ maxDepth: 2, maxKeys: 4, withDate: true, withBigInt: true, withMap: true, withSet: true }), { maxLength: 3 }).chain((args) =>
            fc.constant(args).filter((list) => !(list.length === 1 && isValid(list[0]))).map((list) => ({ list, raw: false })),
          ),
          // What a hand-made request can send that is not an argument list at all. (A body that
          // breaks React's reply encoding itself, like a bare "$" reference, gets Next's own error.)
          fc.jsonValue().filter((value) => !Array.isArray(value)).map((value) => ({ list: value, raw: true })),
        ),
        cookieArbitrary(validCookie),
      ),
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

test("the bulk rotation route answers random bodies, content types and cookies with typed JSON and no faucet call", async ({ request }) => {
  const faucet = new FaucetApi(request, FAUCET_API);
  const { operatorKey, operatorId } = await faucet.newOperator("Bulk Fuzz Operator", ["Bulk Fuzz Target"]);
  const control = new OperatorFaucetControl(request, operatorId);
  const validCookie = await signedInCookie(request, operatorKey);
  const before = await control.allCalls();
  await checkAll(
    fc.tuple(
      fc.oneof(
        fc.jsonValue().filter((value) => !isValidRotateAgentInput(value)).map((value) => JSON.stringify(value)),
        fc.string({ maxLength: 200 }),
        fc.constant("x".repeat(20_000)),
      ),
      fc.constantFrom("application/json", "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded"),
      cookieArbitrary(validCookie),
    ),
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

/** A faucet that only counts what reaches it and refuses every key: a spy for "no call at all". */
function startSpyFaucet(): Promise<{ server: Server; url: string; calls: () => number }> {
  let calls = 0;
  const server = createServer((request, response) => {
    calls++;
    request.resume();
    response.setHeader("content-type", "application/json");
    response.end(JSON.stringify({ success: false, error: "Invalid API key", error_code: "invalid_key" }));
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}/ai-agents/api`, calls: () => calls });
    });
  });
}

test("the sign-in action answers keys of every malformed shape with a specific message and no faucet call", async ({ request }, testInfo) => {
  // Its own console on a spy faucet: any call at all, from any test, would show.
  const spy = await startSpyFaucet();
  const signInConsole = await startConsole({
    env: { FAUCET_API_URL: spy.url, SESSION_SECRET: "fuzz-session-secret-0123456789-abcdefghijkl", RATE_LIMIT_SIGN_INS: "100000" },
    dataDir: testInfo.outputPath("sign-in-console"),
  });
  try {
    const malformedKey = fc.oneof(
      fc.string({ maxLength: 9 }).filter((key) => /^[A-Za-z0-9_-]*$/.test(key.trim())),
      fc.string({ minLength: 1, maxLength: 300 }).filter((key) => !/^[A-Za-z0-9_-]{10,200}$/.test(key.trim())),
      fc.string({ unit: "grapheme", minLength: 10, maxLength: 50 }).filter((key) => !/^[A-Za-z0-9_-]+$/.test(key.trim())),
      fc.string({ unit: fc.constantFrom("a", "b", "1", "_"), minLength: 201, maxLength: 2000 }),
    );
    await checkAll(malformedKey, RUNS, async (key) => {
      const reply = await callSignIn(request, signInConsole.url, ids.signIn!, key);
      expect(reply.status).toBe(200);
      const state = reply.result as { fieldErrors?: { operatorKey?: string } };
      expect(state.fieldErrors?.operatorKey).toMatch(/API key|too (long|short)|Enter the operator/);
      expect(reply.setCookie ?? "").not.toContain(`${SESSION_COOKIE}=Fe26`);
    });
    expect(spy.calls(), "no faucet call for a malformed key").toBe(0);
    // The control: a well-formed key does reach the faucet, so the spy can see calls.
    const wellFormed = await callSignIn(request, signInConsole.url, ids.signIn!, "lf_0123456789abcdef0123456789abcdef");
    expect(wellFormed.result).toMatchObject({ fieldErrors: { operatorKey: expect.stringContaining("does not know this key") } });
    expect(spy.calls()).toBe(1);
  } finally {
    await signInConsole.stop();
    spy.server.close();
  }
});

test("sign-out and demo sign-in accept any arguments without a 5xx", async ({ request }) => {
  await checkAll(fc.oneof(fc.array(fc.anything({ maxDepth: 2, maxKeys: 4 }), { maxLength: 3 }), fc.jsonValue().filter((value) => !Array.isArray(value))), RUNS, async (args) => {
      for (const name of ["signOut", "signInAsDemo"] as const) {
        const reply = await callAction(request, consoleUrl, ids[name]!, Array.isArray(args) ? await encodeArguments(args) : JSON.stringify(args));
        expect(reply.status).toBeLessThan(500);
      }
  });
});

test("the agents data route answers random queries and cookies with JSON, never a 5xx", async ({ request }) => {
  const faucet = new FaucetApi(request, FAUCET_API);
  const { operatorKey } = await faucet.newOperator("Fuzz Reader", ["Reader Bot"]);
  const validCookie = await signedInCookie(request, operatorKey);
  const param = fc.oneof(fc.string({ maxLength: 40 }), fc.integer().map(String), fc.constantFrom("name", "balance", "cooldown", "asc", "desc", "all", "active", "inactive"));
  await checkAll(fc.tuple(fc.dictionary(fc.constantFrom("q", "sort", "dir", "filter", "offset", "limit", "x"), param), cookieArbitrary(validCookie)), RUNS, async ([query, cookie]) => {
      const response = await request.get(`${consoleUrl}/api/agents?${new URLSearchParams(query)}`, { headers: cookie ? { cookie } : {} });
      expect([200, 401]).toContain(response.status());
      const body = (await response.json()) as { agents?: unknown[]; reason?: string };
      if (response.status() === 200) expect(body.agents!.length).toBeLessThanOrEqual(200);
      else expect(body.reason).toBe("signed_out");
  });
});

test("the embedded faucet's HTTP endpoint answers random bodies without a 5xx", async ({ request }) => {
  const endpoint = `${SERVERS.embedded.url}/ai-agents/api`;
  await checkAll(fc.oneof(fc.jsonValue().map((value) => JSON.stringify(value)), fc.string({ maxLength: 500 })), RUNS, async (body) => {
      const response = await request.post(endpoint, { data: body, headers: { "content-type": "application/json" } });
      expect(response.status()).toBe(200);
      const reply = (await response.json()) as { success: boolean; error?: string };
      expect(reply.success).toBe(false);
      expect(reply.error).toBeTruthy();
  });
});
