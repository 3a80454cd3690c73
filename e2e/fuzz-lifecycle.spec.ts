import { expect, test, type APIRequestContext } from "@playwright/test";
import fc from "fast-check";
import {
  badCreateForm,
  expectedCreateFieldErrors,
  LIFECYCLE_ACTIONS,
  lifecycleArgumentsArbitrary,
  lifecycleCookieArbitrary,
  TYPED_CODES,
} from "../in-process/support/action-inputs";
import { checkAll } from "./support/check-all";
import { FaucetApi } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { actionIds, callAction, callSignIn, encodeArguments, sessionCookieFrom } from "./support/server-actions";
import { FAUCET_API, SERVERS } from "./support/servers";

/**
 * The HTTP wiring of the lifecycle actions' fuzz properties, as e2e/fuzz-actions.spec.ts
 * does for the rotations: a sample of random argument lists per action with random and
 * tampered cookies. Never a 5xx, always a typed answer, never a faucet call for input the
 * console rejects. The properties run 1,000 inputs each in-process with the same arbitraries
 * (in-process/server-actions.fuzz.test.ts).
 */
const RUNS = 50;
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

for (const [name, isValid] of LIFECYCLE_ACTIONS) {
  test(`${name} answers random arguments and cookies with typed errors and no faucet call`, async ({ request }) => {
    expect(ids[name], `${name} is a server action of the build`).toBeTruthy();
    const faucet = new FaucetApi(request, FAUCET_API);
    const { operatorKey, operatorId } = await faucet.newOperator(`Fuzz ${name} Operator`, ["Fuzz Life Target"]);
    const control = new OperatorFaucetControl(request, operatorId);
    const validCookie = await signedInCookie(request, operatorKey);
    const before = await control.allCalls();

    await checkAll(
      fc.tuple(lifecycleArgumentsArbitrary(isValid), lifecycleCookieArbitrary(validCookie)),
      RUNS,
      async ([{ list, raw }, cookie]) => {
        const body = raw ? JSON.stringify(list) : await encodeArguments(list as unknown[]);
        const reply = await callAction(request, consoleUrl, ids[name]!, body, { cookie });
        expect(reply.status).toBeLessThan(500);
        const result = reply.status === 400 ? reply.body : reply.result;
        expect(result).toMatchObject({ ok: false });
        expect(TYPED_CODES).toContain((result as { code: string }).code);
      },
    );
    expect(await control.allCalls(), "no faucet call for rejected input").toEqual(before);
  });
}

test("createAgent names each bad field of a signed-in form, with no faucet call", async ({ request }) => {
  const faucet = new FaucetApi(request, FAUCET_API);
  const { operatorKey, operatorId } = await faucet.newOperator("Fuzz Create Fields Operator", []);
  const control = new OperatorFaucetControl(request, operatorId);
  const cookie = await signedInCookie(request, operatorKey);
  const before = await control.allCalls();
  await checkAll(badCreateForm, RUNS, async (value) => {
    const reply = await callAction(request, consoleUrl, ids.createAgent!, await encodeArguments([value]), { cookie });
    expect(reply.status).toBe(200);
    const result = reply.result as { ok: boolean; code: string; fieldErrors?: Record<string, string> };
    expect(result).toMatchObject({ ok: false, code: "invalid_input" });
    expect(Object.keys(result.fieldErrors ?? {}).sort()).toEqual(expectedCreateFieldErrors(value));
  });
  expect(await control.allCalls(), "no faucet call for a bad form").toEqual(before);
});
