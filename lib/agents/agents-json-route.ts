import "server-only";
import { NextResponse } from "next/server";
import { isFaucetError } from "@/lib/faucet";
import { log } from "@/lib/log";
import type { OperatorSession } from "@/lib/session/session-data";
import { endSessionIfRefused, readSessionState } from "@/lib/session/session-store";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";

const NO_STORE = { "cache-control": "no-store" };

function json(status: number, body: object) {
  return NextResponse.json(body, { status, headers: NO_STORE });
}

/**
 * A JSON read of the operator's agents for the browser, with every failure as a status and
 * a message it can show. It never writes or clears the session cookie: a request still
 * carrying an old cookie must not undo a newer one.
 */
export async function agentsJson(load: (session: OperatorSession) => Promise<object>): Promise<NextResponse> {
  try {
    const state = await readSessionState();
    if (state.kind === "signed_out")
      return json(401, { reason: state.reason ?? "signed_out", message: "Your session has ended. Sign in again." });
    const { session } = state;
    try {
      return json(200, await load(session));
    } catch (error) {
      if (!isFaucetError(error) || error.kind !== "invalid_key") throw error;
      const verdict = await endSessionIfRefused(session);
      if (verdict === "key_invalid") return json(401, { reason: "key_invalid", message: error.message });
      return json(409, {
        message: "Your operator key was just rotated in another tab. Reload to continue with the new key.",
      });
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
