import { expect, test, type APIRequestContext } from "@playwright/test";
import fc from "fast-check";
import type { z } from "zod";
import {
  agentOnlySchema,
  createAgentFieldsSchema,
  createAgentFormSchema,
  fundAgentSchema,
  setAgentActiveSchema,
  setAgentBudgetSchema,
} from "../lib/agents/agent-change-schemas";
import { checkAll } from "./support/check-all";
import { FaucetApi } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { actionIds, callAction, callSignIn, encodeArguments, sessionCookieFrom } from "./support/server-actions";
import { FAUCET_API, SERVERS } from "./support/servers";
import { SESSION_COOKIE } from "./support/session-cookie";

/**
 * Property-based abuse of the lifecycle actions, as e2e/fuzz-actions.spec.ts does for the
 * rotations: 1,000 random argument lists per action with random and tampered cookies.
 * Never a 5xx, always a typed answer, never a faucet call for input the console rejects.
 */
const RUNS = 1000;
const consoleUrl = SERVERS.remoteA.url;
const ids = actionIds();
const TYPED_CODES = ["signed_out", "invalid_input", "forbidden_origin", "rate_limited"];

test.describe.configure({ mode: "serial" });
test.setTimeout(300_000);

function cookieArbitrary(validCookie: string) {
  const seal = validCookie.slice(`${SESSION_COOKIE}=`.length);
  return fc.oneof(
    fc.constant(undefined),
    fc.string({ maxLength: 300 }).map((value) => `${SESSION_COOKIE}=${encodeURIComponent(value)}`),
    fc.nat({ max: seal.length - 1 }).map((length) => `${SESSION_COOKIE}=${seal.slice(0, length)}`),
    fc.constant(validCookie),
    fc.constant(validCookie),
  );
}

/** The create form is valid only when its strings are and every field reads well. */
function isValidCreate(value: unknown): boolean {
  const form = createAgentFormSchema.safeParse(value);
  return form.success && createAgentFieldsSchema.safeParse(form.data).success;
}

const isValidFor = (schema: z.ZodType) => (value: unknown) => schema.safeParse(value).success;

/** Argument lists a page or a hand-made request can send, near misses of the real shapes included. */
function argumentsArbitrary(isValid: (value: unknown) => boolean) {
  const nearMiss = fc.record(
    {
      agentId: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.bigInt()),
      isActive: fc.oneof(fc.boolean(), fc.string(), fc.integer()),
      budgetLimitSats: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.double(), fc.constant(null), fc.string(), fc.constant(Number.MAX_SAFE_INTEGER + 2)),
      amountSats: fc.oneof(fc.integer({ min: -10, max: 10 }), fc.double(), fc.string()),
      name: fc.oneof(fc.string({ maxLength: 120 }), fc.constant(""), fc.constant(" "), fc.integer()),
      description: fc.oneof(fc.string({ maxLength: 600 }), fc.constant(null)),
      budget: fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom("-1", "1.5", "1e3", "99999999999999999999", "abc"), fc.integer()),
    },
    { requiredKeys: [], noNullPrototype: true },
  );
  return fc.oneof(
    fc.array(fc.anything({ maxDepth: 2, maxKeys: 4, withDate: true, withBigInt: true, withMap: true, withSet: true }), { maxLength: 3 }).map((list) => ({ list, raw: false })),
    fc.tuple(nearMiss).map((list) => ({ list: list as unknown[], raw: false })),
    fc.jsonValue().filter((value) => !Array.isArray(value)).map((value) => ({ list: value, raw: true })),
  ).filter(({ list, raw }) => raw || !(Array.isArray(list) && list.length === 1 && isValid(list[0])));
}

async function signedInCookie(request: APIRequestContext, operatorKey: string): Promise<string> {
  const reply = await callSignIn(request, consoleUrl, ids.signIn!, operatorKey);
  const cookie = sessionCookieFrom(reply.setCookie);
  expect(cookie, "a real sign-in sets the session cookie").toBeTruthy();
  return cookie!;
}

const ACTIONS = [
  ["createAgent", isValidCreate],
  ["setAgentActive", isValidFor(setAgentActiveSchema)],
  ["setAgentBudget", isValidFor(setAgentBudgetSchema)],
  ["sweepAgent", isValidFor(agentOnlySchema)],
  ["fundAgent", isValidFor(fundAgentSchema)],
  ["deleteAgent", isValidFor(agentOnlySchema)],
] as const;

for (const [name, isValid] of ACTIONS) {
  test(`${name} answers random arguments and cookies with typed errors and no faucet call`, async ({ request }) => {
    expect(ids[name], `${name} is a server action of the build`).toBeTruthy();
    const faucet = new FaucetApi(request, FAUCET_API);
    const { operatorKey, operatorId } = await faucet.newOperator(`Fuzz ${name} Operator`, ["Fuzz Life Target"]);
    const control = new OperatorFaucetControl(request, operatorId);
    const validCookie = await signedInCookie(request, operatorKey);
    const before = await control.allCalls();

    await checkAll(fc.tuple(argumentsArbitrary(isValid), cookieArbitrary(validCookie)), RUNS, async ([{ list, raw }, cookie]) => {
      const body = raw ? JSON.stringify(list) : await encodeArguments(list as unknown[]);
      const reply = await callAction(request, consoleUrl, ids[name]!, body, { cookie });
      expect(reply.status).toBeLessThan(500);
      const result = reply.status === 400 ? reply.body : reply.result;
      expect(result).toMatchObject({ ok: false });
      expect(TYPED_CODES).toContain((result as { code: string }).code);
    });
    expect(await control.allCalls(), "no faucet call for rejected input").toEqual(before);
  });
}

test("createAgent names each bad field of a signed-in form, with no faucet call", async ({ request }) => {
  const faucet = new FaucetApi(request, FAUCET_API);
  const { operatorKey, operatorId } = await faucet.newOperator("Fuzz Create Fields Operator", []);
  const control = new OperatorFaucetControl(request, operatorId);
  const cookie = await signedInCookie(request, operatorKey);
  const before = await control.allCalls();
  const form = fc
    .record({
      name: fc.oneof(fc.string({ maxLength: 30 }), fc.constant("   "), fc.string({ minLength: 101, maxLength: 300 })),
      description: fc.oneof(fc.string({ maxLength: 30 }), fc.string({ minLength: 501, maxLength: 700 })),
      budget: fc.oneof(fc.constant(""), fc.nat().map(String), fc.integer({ max: -1 }).map(String), fc.double().map(String), fc.string({ maxLength: 12 })),
    }, { noNullPrototype: true })
    .filter((value) => !createAgentFieldsSchema.safeParse(value).success);
  await checkAll(form, RUNS, async (value) => {
    const reply = await callAction(request, consoleUrl, ids.createAgent!, await encodeArguments([value]), { cookie });
    expect(reply.status).toBe(200);
    const result = reply.result as { ok: boolean; code: string; fieldErrors?: Record<string, string> };
    expect(result).toMatchObject({ ok: false, code: "invalid_input" });
    const expected = createAgentFieldsSchema.safeParse(value).error!.issues.map((issue) => String(issue.path[0]));
    expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual([...new Set(expected)].sort());
  });
  expect(await control.allCalls(), "no faucet call for a bad form").toEqual(before);
});
