import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { BATCH_WATCH_LIMIT, batchHandoffs, recentHandoffs } from "@/lib/handoff/handoffs";
import { readSessionState } from "@/lib/session/session-store";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";
import { log } from "@/lib/log";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };
const batchSchema = z.uuid();

/**
 * The signed-in operator's hand-offs of the last day and their alarms, for the agents page; with
 * `?batch=<id>`, every hand-off of that bulk run (incident mode's sheet watches them). No key, no token.
 */
export async function GET(request: NextRequest) {
  try {
    const batch = request.nextUrl.searchParams.get("batch");
    const batchId = batch === null ? null : batchSchema.safeParse(batch);
    if (batchId && !batchId.success)
      return NextResponse.json(
        { code: "invalid_input", message: "batch must be a bulk run's id (a UUID)." },
        { status: 400, headers: NO_STORE },
      );
    const state = await readSessionState();
    if (state.kind === "signed_out")
      return NextResponse.json(
        { reason: state.reason ?? "signed_out", message: "Your session has ended. Sign in again." },
        { status: 401, headers: NO_STORE },
      );
    const now = Date.now();
    const { operatorId } = state.session;
    const handoffs = batchId
      ? await batchHandoffs(operatorId, batchId.data, now)
      : await recentHandoffs(operatorId, now);
    return NextResponse.json(
      { serverNow: now, handoffs, ...(batchId ? { truncated: handoffs.length >= BATCH_WATCH_LIMIT } : {}) },
      { headers: NO_STORE },
    );
  } catch (error) {
    if (!isStoreUnavailable(error)) log.error("listing hand-offs failed", error);
    return NextResponse.json({ message: STORE_UNAVAILABLE_MESSAGE }, { status: 503, headers: NO_STORE });
  }
}
