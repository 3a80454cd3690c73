import Link from "next/link";
import { AuditFilterForm } from "@/components/audit/audit-filter-form";
import { AuditTable } from "@/components/audit/audit-table";
import { buttonClass } from "@/components/ui/button";
import { AUDIT_PAGE_SIZE, type AuditPage } from "@/lib/audit/audit-entry";
import { auditFiltersQuery, parseAuditFilters, type AuditFilters } from "@/lib/audit/audit-filters";
import { listAuditEntries } from "@/lib/audit/audit-query";
import { pendingStaleBefore } from "@/lib/audit/stale-pending";
import { pageSession } from "@/lib/session/page-session";
import { isStoreUnavailable } from "@/lib/store/store-unavailable-error";
import { StoreDownNotice } from "@/components/session/store-down-notice";

export const metadata = { title: "Audit log · Faucet Console" };

type AuditPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

function StoreDown() {
  return <StoreDownNotice title="The audit log cannot be read" retryHref="/audit" />;
}

type Loaded = { kind: "store_down" } | { kind: "loaded"; operatorName: string; first: AuditPage };

async function loadFirstPage(filters: AuditFilters): Promise<Loaded> {
  try {
    const session = await pageSession();
    if (session === null) return { kind: "store_down" };
    const first = await listAuditEntries({
      operatorId: session.operatorId,
      filters,
      cursor: null,
      limit: AUDIT_PAGE_SIZE,
      staleBefore: pendingStaleBefore(Date.now()),
    });
    return { kind: "loaded", operatorName: session.operatorName, first };
  } catch (error) {
    if (isStoreUnavailable(error)) return { kind: "store_down" };
    throw error;
  }
}

/**
 * The operator's audit log: who did what, when, from where, and what became of it. The
 * first page is rendered with the page (one index range scan, whatever the log's length);
 * the rest loads as the list scrolls.
 */
export default async function AuditLogPage({ searchParams }: AuditPageProps) {
  const filters = parseAuditFilters(await searchParams);
  const loaded = await loadFirstPage(filters);
  if (loaded.kind === "store_down") return <StoreDown />;
  const query = auditFiltersQuery(filters);
  return (
    <div className="flex flex-col gap-4">
      <header className="flex flex-wrap items-center justify-between gap-4 rounded-lg border border-slate-200 bg-white p-4">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Audit log</h1>
          <p className="text-sm text-slate-600">
            Every sign-in and sign-out, key rotation, agent change (create, deactivate, reactivate, budget, sweep, fund,
            delete) and key hand-off of {loaded.operatorName}, incident mode&apos;s bulk runs included, refusals too,
            newest first. Each event names its agent as it was called then. Times are UTC.
          </p>
        </div>
        <nav aria-label="Audit log" className="flex flex-wrap items-center gap-3">
          <a href={`/audit/export${query ? `?${query}` : ""}`} download className={buttonClass("secondary")}>
            Download CSV
          </a>
          <Link href="/agents" className={buttonClass("ghost")}>
            Back to agents
          </Link>
        </nav>
      </header>
      {/* Keys unique among siblings: two equal keys left the old form on the page after a filter changed. */}
      <AuditFilterForm key={`filters:${query}`} filters={filters} />
      <AuditTable key={`events:${query}`} firstPage={loaded.first} filtersQuery={query} />
    </div>
  );
}
