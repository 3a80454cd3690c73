// The console's HTTP helpers: what its JSON routes and the proxy share. No "server-only": the
// proxy imports it too, and nothing here is secret.
import { NextResponse } from "next/server";
import { failure, type ActionResult } from "@/lib/action-result";

const MAX_BODY_BYTES = 16 * 1024;

function reply(status: number, result: ActionResult<unknown>): NextResponse {
  // The reply may carry a new key: no cache anywhere may keep it.
  return NextResponse.json(result, { status, headers: { "cache-control": "no-store" } });
}

/**
 * A server action served as a plain JSON POST, for the bulk runs of incident mode. Next's
 * client sends server actions one at a time (its router queues them), which would turn a
 * run of 1,000 rotations at concurrency 4 into 1,000 in a row, and would send calls that
 * were still queued after the operator pressed Cancel. A fetch to this route is sent when
 * the run says so. The action does every check itself (Origin, session, input); requiring
 * `application/json` keeps a cross-site form from reaching it without a CORS preflight.
 */
export function jsonActionRoute(action: (input: unknown) => Promise<ActionResult<unknown>>) {
  return async function POST(request: Request): Promise<NextResponse> {
    if (!isJsonContentType(request.headers.get("content-type"))) {
      return reply(415, failure("invalid_input", "This endpoint takes application/json."));
    }
    const text = await readCappedBody(request, MAX_BODY_BYTES);
    if (text === null) return reply(413, failure("invalid_input", "The request was too large."));
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch {
      return reply(400, failure("invalid_input", "The request was malformed. Reload the page and try again."));
    }
    return reply(200, await action(input));
  };
}

/**
 * True for `application/json`, with or without parameters: the one body type our JSON
 * endpoints take, which a cross-site page cannot send without a CORS preflight the console
 * never grants (a form or a `text/plain` fetch from another site is refused).
 */
export function isJsonContentType(contentType: string | null): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/** The body as text, or null past `limit` bytes; stops reading there instead of buffering it all. */
export async function readCappedBody(request: Request, limit: number): Promise<string | null> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > limit) return null;
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Not awaited: on a clone (a tee'd stream) cancel() settles only once the other branch
      // is cancelled too, which the caller's reply does. Awaiting it here would hang.
      reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
