"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useEffect, useRef } from "react";
import { OUTCOME_LABELS, type AuditEntry, type AuditPage } from "@/lib/audit/audit-entry";
import { Button } from "@/components/ui/button";
import { formatAuditAction, formatAuditTarget, formatUtcMoment } from "./format-audit";

const ROW_HEIGHT = 45;
/** Ask for the next page when the last rendered row is this close to the end. */
const PREFETCH_ROWS = 30;

const OUTCOME_STYLES: Record<AuditEntry["outcome"], string> = {
  ok: "bg-emerald-100 text-emerald-900",
  refused: "bg-amber-100 text-amber-900",
  unknown: "bg-red-100 text-red-900",
  key_missing: "bg-red-100 text-red-900",
  pending: "bg-slate-200 text-slate-800",
};

async function fetchAuditPage(filtersQuery: string, cursor: number): Promise<AuditPage> {
  const query = new URLSearchParams(filtersQuery);
  query.set("cursor", String(cursor));
  const response = await fetch(`/audit/events?${query}`, { cache: "no-store" });
  const body = (await response.json().catch(() => null)) as (AuditPage & { message?: string }) | null;
  if (!response.ok || !body) throw new Error(body?.message ?? "The audit log could not be loaded.");
  return body;
}

type AuditTableProps = { firstPage: AuditPage; filtersQuery: string };

/**
 * The operator's events, newest first, in a real <table> whose body is virtualised like the
 * agents table: only the rows in view are in the DOM. The first page comes with the page;
 * the rest load by keyset cursor as the list scrolls towards its end.
 */
export function AuditTable({ firstPage, filtersQuery }: AuditTableProps) {
  const { data, fetchNextPage, hasNextPage, isFetchingNextPage, error } = useInfiniteQuery({
    queryKey: ["audit", filtersQuery],
    queryFn: ({ pageParam }) =>
      pageParam === null ? Promise.resolve(firstPage) : fetchAuditPage(filtersQuery, pageParam),
    initialPageParam: null as number | null,
    getNextPageParam: (page) => page.nextCursor,
    initialData: { pages: [firstPage], pageParams: [null] },
    // The server's first page is what the user asked for; the log only grows at its top.
    staleTime: Infinity,
  });
  const entries = data.pages.flatMap((page) => page.entries);

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => {
    if (hasNextPage && !isFetchingNextPage && !error && lastIndex >= entries.length - PREFETCH_ROWS)
      void fetchNextPage();
  }, [lastIndex, entries.length, hasNextPage, isFetchingNextPage, error, fetchNextPage]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);

  if (entries.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-700">
        No events match these filters.
      </p>
    );
  }
  return (
    <div className="flex flex-col gap-2">
      {/* The rows hold nothing focusable, so the scroller itself takes the focus: keyboard users scroll it with the arrow keys. */}
      <div
        ref={scroller}
        tabIndex={0}
        role="region"
        aria-label="Audit events"
        className="max-h-[70vh] overflow-auto rounded-lg border border-slate-200 bg-white focus-visible:outline-2 focus-visible:outline-blue-600"
        data-testid="audit-scroller"
      >
        <table className="w-full min-w-[84rem] table-fixed border-collapse text-left text-sm">
          <caption className="sr-only">Audit events, newest first</caption>
          <colgroup>
            <col className="w-52" />
            <col className="w-44" />
            <col className="w-80" />
            <col className="w-44" />
            <col className="w-32" />
            <col className="w-24" />
            <col />
            <col className="w-36" />
          </colgroup>
          <thead className="sticky top-0 z-10 whitespace-nowrap bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
            <tr>
              <th scope="col" className="px-3 py-3">
                Time
              </th>
              <th scope="col" className="px-3 py-3">
                Action
              </th>
              <th scope="col" className="px-3 py-3">
                Target
              </th>
              <th scope="col" className="px-3 py-3">
                Outcome
              </th>
              <th scope="col" className="px-3 py-3">
                New key
              </th>
              <th scope="col" className="px-3 py-3">
                Session
              </th>
              <th scope="col" className="px-3 py-3">
                Client
              </th>
              <th scope="col" className="px-3 py-3">
                Instance
              </th>
            </tr>
          </thead>
          <tbody>
            {paddingTop > 0 && <tr aria-hidden="true" style={{ height: paddingTop }} />}
            {items.map((item) => {
              const entry = entries[item.index];
              return entry ? <AuditRow key={entry.id} entry={entry} /> : null;
            })}
            {paddingBottom > 0 && <tr aria-hidden="true" style={{ height: paddingBottom }} />}
          </tbody>
        </table>
      </div>
      <p className="text-xs text-slate-600" aria-live="polite">
        {entries.length.toLocaleString("en-US")} event{entries.length === 1 ? "" : "s"} loaded
        {hasNextPage ? ", more below" : ""}.{isFetchingNextPage && " Loading more…"}
      </p>
      {error && (
        <div role="alert" className="flex items-center gap-3 text-sm text-red-900">
          {error.message}
          <Button variant="secondary" onClick={() => void fetchNextPage()}>
            Retry
          </Button>
        </div>
      )}
    </div>
  );
}

/** Room for a 40-character name and its id; a longer one is cut, and shows whole on hover and to a screen reader. */
function TargetCell({ entry }: { entry: AuditEntry }) {
  const text = formatAuditTarget(entry.target, entry.agentName);
  return (
    <td className="truncate px-3" title={text}>
      {text}
    </td>
  );
}

function AuditRow({ entry }: { entry: AuditEntry }) {
  return (
    <tr className="h-[45px] border-t border-slate-100" data-event-id={entry.id}>
      <td className="truncate px-3 tabular-nums text-slate-700">{formatUtcMoment(entry.at)}</td>
      <th scope="row" className="truncate px-3 font-medium text-slate-900">
        {formatAuditAction(entry.action)}
      </th>
      <TargetCell entry={entry} />
      <td
        className="truncate px-3"
        title={
          entry.neverCompleted && entry.outcome === "unknown"
            ? "No outcome was ever recorded: the console stopped during the call"
            : undefined
        }
      >
        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${OUTCOME_STYLES[entry.outcome]}`}>
          {OUTCOME_LABELS[entry.outcome]}
        </span>
        {entry.refusal && <span className="ml-2 text-xs text-slate-600">{entry.refusal.replaceAll("_", " ")}</span>}
      </td>
      <td className="truncate px-3 font-mono text-xs">{entry.keyLabel ?? ""}</td>
      <td className="truncate px-3 font-mono text-xs">{entry.sessionLabel ?? ""}</td>
      <td className="truncate px-3 text-xs text-slate-700" title={entry.userAgent ?? undefined}>
        {entry.clientAddress ?? ""}
        {entry.userAgent && <span className="ml-2 text-slate-500">{entry.userAgent}</span>}
      </td>
      <td className="truncate px-3 font-mono text-xs text-slate-600" title={entry.instanceId}>
        {entry.instanceId}
      </td>
    </tr>
  );
}
