import fc from "fast-check";
import { searchParamsToUrlQuery } from "next/dist/shared/lib/router/utils/querystring";
import { isValidElement, type ReactElement } from "react";
import { describe, expect, it, vi } from "vitest";
import AgentsPage from "@/app/agents/(list)/page";
import AuditLogPage from "@/app/audit/page";
import SignInPage from "@/app/page";
import { SESSION_END_NOTICES } from "@/lib/session/session-end-reasons";
import { inProcessConsoleForFile, FUZZ_RUNS } from "./support/fuzz-console";
import { asRequest } from "./support/in-process-console";
import { PROTOTYPE_NAMES, queryString } from "./support/query-inputs";

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * SECURITY.md: any query string on any page answers 200 or a redirect, never a 5xx.
 * `?reason=constructor` once answered 500: the notice was looked up on a plain object.
 * Here the pages' server code runs in-process, 1,000 random queries each, with the query
 * parsed by Next's own function into the `searchParams` a page gets; every async server
 * component under the page runs too (the client components are not rendered). The HTTP
 * sample in e2e/query-fuzz.spec.ts renders the whole page.
 */
const inProcess = inProcessConsoleForFile();

type PageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/** The page's searchParams as Next builds them from a raw query string. */
function propsFor(query: string): PageProps {
  return {
    searchParams: Promise.resolve(
      searchParamsToUrlQuery(new URLSearchParams(query)) as Record<string, string | string[] | undefined>,
    ),
  };
}

/** Runs every async (server) component in the tree, as the server render would; client components are left as elements. */
async function resolveServerTree(node: unknown): Promise<unknown> {
  if (Array.isArray(node)) return Promise.all(node.map(resolveServerTree));
  if (!isValidElement(node)) return node;
  const { type, props } = node as ReactElement<{ children?: unknown }>;
  if (typeof type === "function" && type.constructor.name === "AsyncFunction")
    return resolveServerTree(await (type as (p: unknown) => Promise<unknown>)(props));
  if (props?.children === undefined) return node;
  return { ...node, props: { ...props, children: await resolveServerTree(props.children) } };
}

/** Every prop named `name` anywhere in a resolved tree. */
function propsNamed(node: unknown, name: string, found: unknown[] = []): unknown[] {
  if (Array.isArray(node)) node.forEach((child) => propsNamed(child, name, found));
  else if (isValidElement(node)) {
    const props = node.props as Record<string, unknown>;
    if (Object.hasOwn(props, name)) found.push(props[name]);
    propsNamed(props.children, name, found);
  }
  return found;
}

async function renderPage(page: (props: PageProps) => Promise<unknown>, query: string, cookie: string | undefined) {
  return asRequest({ cookie, origin: null }, async () => resolveServerTree(await page(propsFor(query))));
}

const NOTICES: unknown[] = [null, ...Object.values(SESSION_END_NOTICES)];

describe("the pages' server code with random query strings", () => {
  it("the prototype's names in ?reason show no notice", async () => {
    for (const reason of PROTOTYPE_NAMES) {
      const outcome = await renderPage(SignInPage, `reason=${reason}`, undefined);
      expect(outcome.kind).toBe("returned");
      expect(propsNamed(outcome.kind === "returned" ? outcome.value : null, "notice"), reason).toEqual([null]);
    }
  });

  it("/ renders the sign-in form with a fixed notice or none, or sends a signed-in browser to /agents", async () => {
    const { operatorKey } = await inProcess.console.newOperator("Query Fuzz Home", ["Fuzz Bot"]);
    const cookie = await inProcess.console.signInCookie(operatorKey);
    await fc.assert(
      fc.asyncProperty(queryString, fc.boolean(), async (query, signedIn) => {
        const outcome = await renderPage(SignInPage, query, signedIn ? cookie : undefined);
        if (signedIn) expect(outcome).toEqual({ kind: "redirected", url: "/agents" });
        else {
          expect(outcome.kind).toBe("returned");
          const notices = propsNamed(outcome.kind === "returned" ? outcome.value : null, "notice");
          expect(notices).toHaveLength(1);
          expect(NOTICES).toContain(notices[0]);
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  for (const [path, page] of [
    ["/agents", AgentsPage],
    ["/audit", AuditLogPage],
  ] as const) {
    it(`${path} renders for a session and sends anyone else to sign in`, async () => {
      const { operatorKey, operatorId } = await inProcess.console.newOperator(`Query Fuzz ${path}`, ["Fuzz Bot"]);
      const cookie = await inProcess.console.signInCookie(operatorKey);
      let signedInPages = 0;
      await fc.assert(
        fc.asyncProperty(queryString, fc.boolean(), async (query, signedIn) => {
          const outcome = await renderPage(
            page as (props: PageProps) => Promise<unknown>,
            query,
            signedIn ? cookie : undefined,
          );
          if (signedIn) {
            expect(outcome.kind, "a valid session sees the page").toBe("returned");
            signedInPages++;
          } else expect(outcome).toEqual({ kind: "redirected", url: "/?reason=signed_out" });
        }),
        // Once found by a random run: the last day's end was a year the store could not read.
        { numRuns: FUZZ_RUNS, examples: [["to=9999-12-31&from=9999-12-31", true]] },
      );
      expect(signedInPages, "both halves ran").toBeGreaterThan(FUZZ_RUNS / 4);
      // The agents page's list streams in from an async child: it ran, once per signed-in render.
      if (path === "/agents")
        expect(inProcess.console.callsOf(operatorId).list_agents ?? 0).toBeGreaterThanOrEqual(signedInPages);
    });
  }
});
