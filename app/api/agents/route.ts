import { NextResponse, type NextRequest } from "next/server";
import { onListKeyRefused } from "@/lib/agents/agents-request-session";
import { loadAgentsPage } from "@/lib/agents/load-agents-page";
import { parsePageRequest } from "@/lib/agents/view-params";
import { isFaucetError } from "@/lib/faucet";
import { log } from "@/lib/log";
import { readSessionState } from "@/lib/session/session-store";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

function json(status: number, body: object) {
  return NextResponse.json(body, { status, headers: NO_STORE });
}

/**
 * One page of the agents table, for react-query in the browser. It never writes or clears
 * the session cookie: a request still carrying an old cookie must not undo a newer one.
 */
export async function GET(request: NextRequest) {
  try {
    const state = await readSessionState();
    if (state.kind === "signed_out") return json(401, { reason: state.reason ?? "signed_out", message: "Your session has ended. Sign in again." });
    const { session } = state;
    try {
      // Page requests come in bursts while scrolling: they may share a list from the last seconds.
      return json(200, await loadAgentsPage(session, parsePageRequest(request.nextUrl.searchParams), Date.now(), { reuseRecentList: true }));
    } catch (error) {
      if (!isFaucetError(error) || error.kind !== "invalid_key") throw error;
      const verdict = await onListKeyRefused(session);
      if (verdict === "key_invalid") return json(401, { reason: "key_invalid", message: error.message });
      return json(409, { message: "Your operator key was just rotated in another tab. Reload to continue with the new key." });
    }
  } catch (error) {
    if (isStoreUnavailable(error)) return json(503, { message: STORE_UNAVAILABLE_MESSAGE });
    if (!isFaucetError(error)) {
      log.error("loading agents failed", error);
      return json(500, { message: "The console hit an unexpected error while loading agents." });
    }
    const status = error.kind === "rate_limited" ? 429 : error.kind === "timeout" ? 504 : 502;
    return json(status, { message: error.message, retryAfterSeconds: error.retryAfterSeconds });
  }
}
