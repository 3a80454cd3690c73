import { randomUUID } from "node:crypto";
import { createRequire } from "node:module";
import type { APIRequestContext } from "@playwright/test";
import { actionResultFromStream, readActionManifest } from "./server-action-protocol";
import { SESSION_COOKIE } from "./session-cookie";

const require = createRequire(import.meta.url);
const { encodeReply } = require("next/dist/compiled/react-server-dom-webpack/client.node") as {
  encodeReply: (value: unknown) => Promise<string | FormData>;
};

/** Encodes arguments exactly as React does when a page calls an action (Dates, undefined, "$" strings…). */
export function encodeArguments(args: unknown[]): Promise<string | FormData> {
  return encodeReply(args);
}

/** Action ids of the build under test, by exported name. */
export function actionIds(): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const [id, entry] of Object.entries(readActionManifest(process.env.NEXT_DIST_DIR || ".next")))
    if (entry.exportedName) ids[entry.exportedName] = id;
  return ids;
}

/** A rotation confirmation as the page sends it: a fresh attempt id, no earlier rotation known. */
export function rotationArgs<Target extends object>(target: Target) {
  return { ...target, attemptId: randomUUID(), knownRotationAt: null, ownAttemptId: null };
}

export type ActionReply = { status: number; result: unknown; body: unknown; setCookie: string | undefined };

type CallOptions = { cookie?: string; origin?: string | null; extraHeaders?: Record<string, string> };

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function headersFor(id: string, baseUrl: string, options: CallOptions): Record<string, string> {
  const headers: Record<string, string> = { "next-action": id, accept: "text/x-component", ...options.extraHeaders };
  if (options.origin !== null) headers.origin = options.origin ?? baseUrl;
  if (options.cookie !== undefined) headers.cookie = options.cookie;
  return headers;
}

/** Calls a server action the way React does for plain arguments: a JSON array as text/plain. */
export async function callAction(
  request: APIRequestContext,
  baseUrl: string,
  id: string,
  encodedArgs: string | FormData,
  options: CallOptions = {},
): Promise<ActionReply> {
  const headers = headersFor(id, baseUrl, options);
  const response = await request.post(`${baseUrl}/agents`, {
    // React sends a plain argument list as text, and one holding Maps, Sets or files as multipart.
    ...(typeof encodedArgs === "string"
      ? { headers: { ...headers, "content-type": "text/plain;charset=UTF-8" }, data: encodedArgs }
      : { headers, multipart: encodedArgs }),
    maxRedirects: 0,
  });
  const text = await response.text();
  return {
    status: response.status(),
    result: actionResultFromStream(text),
    body: parseJson(text),
    setCookie: response.headers()["set-cookie"],
  };
}

/** Calls the sign-in form action as the browser does: multipart, the form's fields prefixed "_1_". */
export async function callSignIn(
  request: APIRequestContext,
  baseUrl: string,
  id: string,
  operatorKey: string,
  options: CallOptions = {},
): Promise<ActionReply> {
  // Order matters: the server resolves "$K1" from the fields that came before "0", and a
  // plain object would put the integer-like key "0" first.
  const form = new FormData();
  form.append("_1_operatorKey", operatorKey);
  form.append("0", JSON.stringify([null, "$K1"]));
  const response = await request.post(`${baseUrl}/`, {
    headers: headersFor(id, baseUrl, options),
    multipart: form,
    maxRedirects: 0,
  });
  const text = await response.text();
  return {
    status: response.status(),
    result: actionResultFromStream(text),
    body: parseJson(text),
    setCookie: response.headers()["set-cookie"],
  };
}

/** "<session cookie>=<seal>" from a Set-Cookie header, for replaying a session. */
export function sessionCookieFrom(setCookie: string | undefined): string | undefined {
  return setCookie
    ?.split(/\n|,(?=\s*[\w-]+=)/)
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${SESSION_COOKIE}=`))
    ?.split(";")[0];
}
