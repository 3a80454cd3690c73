import "server-only";
import { NextResponse } from "next/server";
import { failure, type ActionResult } from "@/lib/results/action-result";
import { isJsonContentType } from "@/lib/http/json-content-type";
import { readCappedBody } from "./read-capped-body";

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
