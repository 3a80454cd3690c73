import { NextResponse, type NextRequest } from "next/server";
import { loadAgentsPage } from "@/lib/agents/load-agents-page";
import { parsePageRequest } from "@/lib/agents/view-params";
import { isFaucetError } from "@/lib/faucet";
import { log } from "@/lib/log";
import { destroySession, readSession } from "@/lib/session/session-store";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

function json(status: number, body: object) {
  return NextResponse.json(body, { status, headers: NO_STORE });
}

/** One page of the agents table, for react-query in the browser. */
export async function GET(request: NextRequest) {
  const session = await readSession();
  if (!session) return json(401, { reason: "signed_out", message: "Your session has ended. Sign in again." });
  try {
    // Page requests come in bursts while scrolling: they may share a list from the last seconds.
    return json(200, await loadAgentsPage(session, parsePageRequest(request.nextUrl.searchParams), Date.now(), { reuseRecentList: true }));
  } catch (error) {
    if (!isFaucetError(error)) {
      log.error("loading agents failed", error);
      return json(500, { message: "The console hit an unexpected error while loading agents." });
    }
    if (error.kind === "invalid_key") {
      await destroySession();
      return json(401, { reason: "key_invalid", message: error.message });
    }
    const status = error.kind === "rate_limited" ? 429 : error.kind === "timeout" ? 504 : 502;
    return json(status, { message: error.message, retryAfterSeconds: error.retryAfterSeconds });
  }
}
