import fc from "fast-check";
import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { proxy } from "@/proxy";
import { rotationArgumentsArbitrary } from "./support/action-inputs";

/**
 * The proxy in front of every server action, called in-process: a body that is not an
 * argument list never reaches an action (a typed 400), a foreign Origin is a typed 403,
 * and a real argument list passes through. 1,000 inputs each; e2e/fuzz-actions.spec.ts
 * and e2e/origin.spec.ts check over HTTP that the proxy really sits in front.
 */
const RUNS = 1000;
const CONSOLE = "http://127.0.0.1:3000";

function actionCall(body: string, origin: string | null, contentType = "text/plain;charset=UTF-8") {
  const headers: Record<string, string> = {
    host: "127.0.0.1:3000",
    "next-action": "0123456789abcdef",
    "content-type": contentType,
  };
  if (origin !== null) headers.origin = origin;
  return new NextRequest(`${CONSOLE}/agents`, { method: "POST", headers, body });
}

/** NextResponse.next() marks a request that goes on to the page or action. */
const passedThrough = (response: Response) => response.headers.get("x-middleware-next") === "1";

describe("the proxy in front of server actions", () => {
  it("refuses any body that is not an argument list with a typed 400, and lets every argument list through", async () => {
    await fc.assert(
      fc.asyncProperty(
        rotationArgumentsArbitrary(() => false),
        fc.string({ maxLength: 100 }),
        fc.boolean(),
        async ({ list }, junk, useJunk) => {
          const body = useJunk
            ? junk
            : JSON.stringify(list, (_key, value: unknown) => (typeof value === "bigint" ? String(value) : value));
          let isList = false;
          try {
            isList = Array.isArray(JSON.parse(body));
          } catch {
            isList = false;
          }
          const response = await proxy(actionCall(body, CONSOLE));
          if (isList) {
            expect(passedThrough(response), `${body} goes on to the action`).toBe(true);
          } else {
            expect(response.status).toBe(400);
            expect(await response.json()).toEqual({
              ok: false,
              code: "invalid_input",
              message: "The request was malformed.",
            });
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("refuses an action call from any other origin with a typed 403, whatever its body", async () => {
    const foreignOrigin = fc.oneof(
      fc
        .webUrl({ withQueryParameters: false, withFragments: false })
        .filter((url) => new URL(url).host !== "127.0.0.1:3000"),
      fc.constantFrom(
        "http://127.0.0.1:3001",
        "https://127.0.0.1:3000.evil.example",
        "http://localhost:3000",
        "null",
        "not a url",
      ),
    );
    await fc.assert(
      fc.asyncProperty(foreignOrigin, fc.string({ maxLength: 100 }), async (origin, body) => {
        const response = await proxy(actionCall(body, origin));
        expect(response.status).toBe(403);
        expect(await response.json()).toMatchObject({ ok: false, code: "forbidden_origin" });
      }),
      { numRuns: RUNS },
    );
  });
});
