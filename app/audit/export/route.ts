import type { NextRequest } from "next/server";
import { auditCsvHeader, auditCsvRow } from "@/lib/audit/audit-csv";
import { parseAuditFilters } from "@/lib/audit/audit-filters";
import { listAuditEntries, MAX_AUDIT_PAGE } from "@/lib/audit/audit-query";
import { pendingStaleBefore } from "@/lib/audit/stale-pending";
import { log } from "@/lib/log";
import { readSessionState } from "@/lib/session/session-store";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";

export const dynamic = "force-dynamic";

function text(status: number, body: string) {
  return new Response(`${body}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  });
}

/**
 * "Download CSV": the filtered events, newest first, streamed one keyset page at a time as
 * the client reads them (pull), so memory stays flat however long the log is. A store that
 * fails mid-way aborts the download rather than ending it as if it were complete.
 */
export async function GET(request: NextRequest) {
  let operatorId: number;
  try {
    const state = await readSessionState();
    if (state.kind === "signed_out") return text(401, "Your session has ended. Sign in again.");
    operatorId = state.session.operatorId;
  } catch (error) {
    if (isStoreUnavailable(error)) return text(503, STORE_UNAVAILABLE_MESSAGE);
    throw error;
  }
  const filters = parseAuditFilters(request.nextUrl.searchParams);
  const now = Date.now();
  const staleBefore = pendingStaleBefore(now);
  const encoder = new TextEncoder();
  let cursor: number | null = null;
  let started = false;

  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(auditCsvHeader()));
        }
        const page = await listAuditEntries({ operatorId, filters, cursor, limit: MAX_AUDIT_PAGE, staleBefore });
        if (page.entries.length > 0) controller.enqueue(encoder.encode(page.entries.map(auditCsvRow).join("")));
        if (page.nextCursor === null) controller.close();
        cursor = page.nextCursor;
      } catch (error) {
        log.error("the audit CSV export failed mid-way", error);
        controller.error(error);
      }
    },
  });
  const day = new Date(now).toISOString().slice(0, 10);
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="audit-log-${operatorId}-${day}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
