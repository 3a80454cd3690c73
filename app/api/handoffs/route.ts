import { NextResponse } from "next/server";
import { recentHandoffs } from "@/lib/handoff/handoffs";
import { readSessionState } from "@/lib/session/session-store";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

/** The signed-in operator's hand-offs of the last day and their alarms, for the agents page (no key, no token). */
export async function GET() {
  try {
    const state = await readSessionState();
    if (state.kind === "signed_out")
      return NextResponse.json(
        { reason: state.reason ?? "signed_out", message: "Your session has ended. Sign in again." },
        { status: 401, headers: NO_STORE },
      );
    const now = Date.now();
    return NextResponse.json(
      { serverNow: now, handoffs: await recentHandoffs(state.session.operatorId, now) },
      { headers: NO_STORE },
    );
  } catch (error) {
    if (!isStoreUnavailable(error)) log.error("listing hand-offs failed", error);
    return NextResponse.json({ message: STORE_UNAVAILABLE_MESSAGE }, { status: 503, headers: NO_STORE });
  }
}
