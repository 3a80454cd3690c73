import { RequestCookies } from "next/dist/compiled/@edge-runtime/cookies";

/**
 * A stand-in for `next/headers` in the in-process tests: one request at a time, whose
 * headers and cookies the test chooses. Use it with
 * `vi.mock("next/headers", () => import("./support/next-headers-double"))`.
 *
 * cookies() reads the request's Cookie header the way Next does (its own parser) and
 * keeps what an action sets, so the next request can carry it on, as a browser would.
 */
export const CONSOLE_ORIGIN = "http://127.0.0.1:3000";

type Scope = { headers: Headers; requestCookies: RequestCookies; set: Map<string, string> };

let scope: Scope = newScope({});

function newScope(request: { cookie?: string; origin?: string | null; extraHeaders?: Record<string, string> }): Scope {
  const headers = new Headers({
    host: new URL(CONSOLE_ORIGIN).host,
    "user-agent": "in-process fuzz",
    ...request.extraHeaders,
  });
  if (request.origin !== null) headers.set("origin", request.origin ?? CONSOLE_ORIGIN);
  if (request.cookie !== undefined) headers.set("cookie", request.cookie);
  return { headers, requestCookies: new RequestCookies(headers), set: new Map() };
}

/** Starts a new request: its Origin (the console's own unless given; null for none), its Cookie header. */
export function beginRequest(
  request: { cookie?: string; origin?: string | null; extraHeaders?: Record<string, string> } = {},
): void {
  scope = newScope(request);
}

/** What the last request set with cookies().set(name, …): the value, "" for a cleared cookie, undefined if untouched. */
export function setCookieValue(name: string): string | undefined {
  return scope.set.get(name);
}

export async function headers(): Promise<Headers> {
  return scope.headers;
}

export async function cookies() {
  const current = scope;
  return {
    get(name: string) {
      const written = current.set.get(name);
      if (written !== undefined) return written === "" ? undefined : { name, value: written };
      return current.requestCookies.get(name);
    },
    has(name: string) {
      return this.get(name) !== undefined;
    },
    set(name: string, value: string) {
      current.set.set(name, value);
    },
    delete(name: string) {
      current.set.set(name, "");
    },
  };
}

export function draftMode() {
  return { isEnabled: false, enable() {}, disable() {} };
}
