import { expect, test, type APIRequestContext } from "@playwright/test";
import fc from "fast-check";
import { checkAll } from "./support/check-all";
import { FaucetApi } from "./support/faucet-api";
import { actionIds, callSignIn, sessionCookieFrom } from "./support/server-actions";
import { SERVERS } from "./support/servers";
import { PROTOTYPE_NAMES, queryString } from "../in-process/support/query-inputs";

/**
 * SECURITY.md: any query string on any page answers 200 or a redirect, never a 5xx.
 * `?reason=constructor` once answered 500: the notice was looked up on a plain object.
 * /audit, its next-page route and its CSV export parse their filters the same way.
 * Here a sample per page over HTTP, the whole page rendered; the properties run 1,000
 * queries each in-process with the same arbitraries (in-process/pages.fuzz.test.ts,
 * in-process/routes.fuzz.test.ts).
 */
const RUNS = 50;
const url = SERVERS.embedded.url;

// Each test has its own operator (and faucet counts scoped to it): they run in parallel.

/** A session cookie, signed in from a context of its own so the fixture's cookie jar stays empty. */
async function sessionCookie(
  request: APIRequestContext,
  newContext: () => Promise<APIRequestContext>,
  operatorName: string,
): Promise<string> {
  const { operatorKey } = await new FaucetApi(request, `${url}/ai-agents/api`).newOperator(operatorName, ["Fuzz Bot"]);
  const signer = await newContext();
  try {
    const cookie = sessionCookieFrom((await callSignIn(signer, url, actionIds().signIn!, operatorKey)).setCookie);
    expect(cookie, "sign-in sets the session cookie").toBeTruthy();
    return cookie!;
  } finally {
    await signer.dispose();
  }
}
test.setTimeout(120_000);

function expectOkOrRedirect(status: number, path: string): void {
  expect(status === 200 || (status >= 300 && status < 400), `${path} answered ${status}`).toBe(true);
}

test("the prototype's names in ?reason answer 200 with no notice", async ({ request }) => {
  for (const reason of PROTOTYPE_NAMES) {
    const response = await request.get(`${url}/?reason=${reason}`, { maxRedirects: 0 });
    expect(response.status(), reason).toBe(200);
    expect(await response.text()).not.toContain("function");
  }
});

test("random query strings on / answer 200 or a redirect, signed in or not", async ({ request, playwright }) => {
  const cookie = await sessionCookie(request, () => playwright.request.newContext(), "Query Fuzz Home");
  await checkAll(fc.tuple(queryString, fc.boolean()), RUNS, async ([query, signedIn]) => {
    const response = await request.get(`${url}/?${query}`, { maxRedirects: 0, headers: signedIn ? { cookie } : {} });
    expectOkOrRedirect(response.status(), `/?${query}`);
  });
});

test("random query strings on /agents answer 200 or a redirect, with and without a session", async ({
  request,
  playwright,
}) => {
  const cookie = await sessionCookie(request, () => playwright.request.newContext(), "Query Fuzz Agents");
  let signedInPages = 0;
  await checkAll(fc.tuple(queryString, fc.boolean()), RUNS, async ([query, signedIn]) => {
    const response = await request.get(`${url}/agents?${query}`, {
      maxRedirects: 0,
      headers: signedIn ? { cookie } : {},
    });
    expectOkOrRedirect(response.status(), `/agents?${query}`);
    if (signedIn) {
      expect(response.status(), "a valid session sees the page").toBe(200);
      signedInPages++;
    } else if (response.status() === 200) {
      // The page streams (app/agents/(list)/loading.tsx), so its redirect arrives in the body.
      expect(await response.text()).toContain('http-equiv="refresh" content="1;url=/?reason=signed_out"');
    } else {
      expect(response.headers().location ?? "").toMatch(/\/\?reason=signed_out$/);
    }
  });
  expect(signedInPages, "both halves ran").toBeGreaterThan(RUNS / 4);
});

test("random query strings on /audit answer 200 or a redirect, with and without a session", async ({
  request,
  playwright,
}) => {
  const cookie = await sessionCookie(request, () => playwright.request.newContext(), "Query Fuzz Audit");
  let signedInPages = 0;
  await checkAll(fc.tuple(queryString, fc.boolean()), RUNS, async ([query, signedIn]) => {
    const response = await request.get(`${url}/audit?${query}`, {
      maxRedirects: 0,
      headers: signedIn ? { cookie } : {},
    });
    expectOkOrRedirect(response.status(), `/audit?${query}`);
    if (signedIn) {
      expect(response.status(), "a valid session sees the page").toBe(200);
      signedInPages++;
    } else {
      expect(response.headers().location ?? "").toMatch(/\/\?reason=signed_out$/);
    }
  });
  expect(signedInPages, "both halves ran").toBeGreaterThan(RUNS / 4);
});

test("random query strings on /audit's next-page route and CSV export answer 200 (or 401 signed out), never a 5xx", async ({
  request,
  playwright,
}) => {
  const cookie = await sessionCookie(request, () => playwright.request.newContext(), "Query Fuzz Audit Routes");
  await checkAll(
    fc.tuple(queryString, fc.boolean(), fc.constantFrom("/audit/events", "/audit/export")),
    RUNS,
    async ([query, signedIn, path]) => {
      const response = await request.get(`${url}${path}?${query}`, {
        maxRedirects: 0,
        headers: signedIn ? { cookie } : {},
      });
      expect(response.status(), `${path}?${query}`).toBe(signedIn ? 200 : 401);
      if (signedIn && path === "/audit/export") expect((await response.text()).startsWith("time_utc,")).toBe(true);
      if (signedIn && path === "/audit/events")
        expect(await response.json()).toMatchObject({ entries: expect.any(Array) });
    },
  );
});
