import { NextResponse, type NextRequest } from "next/server";
import { AUDIT_PAGE_SIZE } from "@/lib/audit/audit-entry";
import { parseAuditCursor, parseAuditFilters } from "@/lib/audit/audit-filters";
import { listAuditEntries } from "@/lib/audit/audit-query";
import { pendingStaleBefore } from "@/lib/audit/stale-pending";
import { log } from "@/lib/log";
import { readSessionState } from "@/lib/session/session-store";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";

export const dynamic = "force-dynamic";

const NO_STORE = { "cache-control": "no-store" };

function json(status: number, body: object) {
  return NextResponse.json(body, { status, headers: NO_STORE });
}

/** The next page of /audit, for the browser's infinite list: the same filters, continued below `cursor`. */
export async function GET(request: NextRequest) {
  try {
    const state = await readSessionState();
    if (state.kind === "signed_out")
      return json(401, { reason: state.reason ?? "signed_out", message: "Your session has ended. Sign in again." });
    const params = request.nextUrl.searchParams;
    const now = Date.now();
    const page = await listAuditEntries({
      operatorId: state.session.operatorId,
      filters: parseAuditFilters(params),
      cursor: parseAuditCursor(params.get("cursor")),
      limit: AUDIT_PAGE_SIZE,
      staleBefore: pendingStaleBefore(now),
    });
    return json(200, { ...page, serverNow: now });
  } catch (error) {
    if (isStoreUnavailable(error)) return json(503, { message: STORE_UNAVAILABLE_MESSAGE });
    log.error("loading audit events failed", error);
    return json(500, { message: "The console hit an unexpected error while loading the audit log." });
  }
}
