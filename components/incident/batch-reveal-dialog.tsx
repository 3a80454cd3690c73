"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useQuery } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef, useState } from "react";
import { CloseWithoutSavingDialog } from "@/components/keys/close-without-saving-dialog";
import { maskKey } from "@/components/keys/mask-key";
import { useBeforeUnloadGuard } from "@/components/keys/use-before-unload-guard";
import { Button } from "@/components/ui/button";
import { BACKGROUND_REQUEST_HEADER } from "@/lib/session/background-request";
import { formatUtcTime } from "@/lib/format-utc-time";
import { downloadText, envText, jsonText, linkOf, type SheetRow } from "./key-sheet";

type BatchRevealDialogProps = { rows: readonly SheetRow[]; batchId: string; onClose: () => void };

type WatchedState = "waiting" | "redeemed" | "expired" | "locked" | "revoked";
type Watched = { id: string; state: WatchedState; expiresAt: number; alarm: string | null };
type BatchListing = { serverNow: number; handoffs: Watched[] };

/** The run's hand-offs as the console sees them (GET /api/handoffs?batch=): states only, no key, no token. */
async function fetchBatchHandoffs(batchId: string): Promise<BatchListing> {
  const response = await fetch(`/api/handoffs?batch=${encodeURIComponent(batchId)}`, {
    headers: { [BACKGROUND_REQUEST_HEADER]: "1" },
    cache: "no-store",
  });
  if (!response.ok)
    throw new Error(
      ((await response.json().catch(() => ({}))) as { message?: string }).message ??
        "The hand-offs could not be loaded.",
    );
  return (await response.json()) as BatchListing;
}

const WATCH_INTERVAL_MS = 5_000;

/**
 * Watches the run's hand-offs from the sheet, every 5 s until none is waiting (each one collected,
 * expired, locked or revoked). Returns each link's state by hand-off id and the counts.
 */
function useBatchWatch(batchId: string, watching: boolean) {
  const { data, error } = useQuery({
    queryKey: ["handoffs", "batch", batchId],
    queryFn: () => fetchBatchHandoffs(batchId),
    enabled: watching,
    refetchInterval: (query) =>
      query.state.data && !query.state.data.handoffs.some((row) => row.state === "waiting") ? false : WATCH_INTERVAL_MS,
  });
  const byId = new Map((data?.handoffs ?? []).map((row) => [row.id, row]));
  const counts = { waiting: 0, redeemed: 0, expired: 0, other: 0 };
  for (const row of byId.values()) {
    if (row.state === "waiting" || row.state === "redeemed" || row.state === "expired") counts[row.state]++;
    else counts.other++;
  }
  return { byId, counts, serverNow: data?.serverNow ?? null, loaded: data !== undefined, error };
}

function watchedWords(row: Watched | undefined, serverNow: number | null): string {
  if (!row) return "…";
  if (row.alarm === "collected_twice") return "collected twice";
  switch (row.state) {
    case "waiting":
      return serverNow === null
        ? "waiting"
        : `waiting (${Math.max(0, Math.ceil((row.expiresAt - serverNow) / 60_000))} min left)`;
    case "redeemed":
      return "collected";
    default:
      return row.state;
  }
}

/**
 * The batch's new keys on one sheet, shown once, or with "Hand off all" their hand-off links
 * (then no key reaches this tab, and the sheet watches each link until it is collected or
 * expired), or ("Connect agent hosts") one enrolment link per agent. Keys and links live in
 * this dialog's props only (the run's memory in the tab); copying and downloading build their
 * text here, in the tab. Closing asks first until they were copied or downloaded: they cannot
 * be shown again.
 */
export function BatchRevealDialog({ rows, batchId, onClose }: BatchRevealDialogProps) {
  const [shown, setShown] = useState(false);
  const [saved, setSaved] = useState(false);
  const [status, setStatus] = useState("");
  const [confirmingClose, setConfirmingClose] = useState(false);
  useBeforeUnloadGuard(true);
  const links = rows.filter((row) => "handoff" in row).length;
  const enrolments = rows.filter((row) => "enrolment" in row);
  const keys = rows.length - links - enrolments.length;
  const watch = useBatchWatch(batchId, links > 0);
  const what = keys === 0 ? "links" : links + enrolments.length === 0 ? "keys" : "keys and links";
  // A loop, not Math.min(...): a run may hold 100,000 links, too many arguments for one call.
  const firstExpiry = rows.reduce(
    (first, row) => ("enrolment" in row ? Math.min(first, row.enrolment.expiresAt) : first),
    Number.POSITIVE_INFINITY,
  );

  const requestClose = () => (saved ? onClose() : setConfirmingClose(true));
  const guardDismiss = (event: Event) => {
    event.preventDefault();
    requestClose();
  };

  async function copyEnv() {
    try {
      await navigator.clipboard.writeText(envText(rows));
      setSaved(true);
      setStatus(`Copied ${rows.length} ${what} as .env lines.`);
    } catch {
      setStatus(`Copying failed: download the ${what} instead.`);
    }
  }

  function download(kind: "env" | "json") {
    const name = enrolments.length === rows.length ? "agent-enrolments" : keys === 0 ? "agent-handoffs" : "agent-keys";
    if (kind === "env") downloadText(envText(rows), `${name}.env`, "text/plain");
    else downloadText(jsonText(rows), `${name}.json`, "application/json");
    setSaved(true);
    setStatus(`Downloaded ${rows.length} ${what} as ${kind === "env" ? ".env" : "JSON"}.`);
  }

  return (
    <Dialog.Root open onOpenChange={(open) => !open && requestClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
        <Dialog.Content
          onEscapeKeyDown={guardDismiss}
          onPointerDownOutside={guardDismiss}
          onInteractOutside={(event) => event.preventDefault()}
          className="fixed left-1/2 top-1/2 z-50 flex max-h-[92vh] w-[min(48rem,96vw)] -translate-x-1/2 -translate-y-1/2 flex-col rounded-lg bg-white p-6 shadow-xl"
        >
          <Dialog.Title className="text-lg font-semibold text-slate-900">
            {enrolments.length === rows.length ? "Enrolment links" : keys === 0 ? "Hand-off links" : "New API keys"}
          </Dialog.Title>
          <Dialog.Description className="mt-2 text-sm text-slate-700">
            {enrolments.length === rows.length
              ? `${rows.length} single-use ${rows.length === 1 ? "link" : "links"} to connect each agent's machine. On each machine, before ${formatUtcTime(firstExpiry)}, run once: node receive.mjs enrol '<link>' (receive.mjs is served at ${window.location.origin}/handoff/receive.mjs). From then on that machine receives the agent's new keys by itself. `
              : `${rows.length} ${rows.length === 1 ? "agent has" : "agents have"} a new key. `}
            {links > 0 &&
              `${links === rows.length ? "Each" : `${links} of them`} went into a single-use hand-off link without being shown: give each agent's machine its link (node receive.mjs '<link>'). `}
            {`The ${what} are shown once and never again: copy or download them now.`}
          </Dialog.Description>
          <div className="mt-3 flex flex-wrap gap-2">
            <Button onClick={copyEnv}>Copy as .env</Button>
            <Button variant="secondary" onClick={() => download("env")}>
              Download .env
            </Button>
            <Button variant="secondary" onClick={() => download("json")}>
              Download JSON
            </Button>
            <Button variant="secondary" aria-pressed={shown} onClick={() => setShown((value) => !value)}>
              {shown ? `Hide ${what}` : `Show ${what}`}
            </Button>
          </div>
          <p role="status" className="mt-2 min-h-5 text-sm text-slate-700">
            {status}
          </p>
          {links > 0 && (
            <p aria-label="Hand-offs of this run" aria-live="polite" className="mt-1 text-sm text-slate-700">
              {!watch.loaded
                ? watch.error
                  ? `The hand-offs' states could not be loaded: ${watch.error.message}`
                  : "Loading the hand-offs' states…"
                : `${watch.counts.redeemed} of ${links} collected, ${watch.counts.waiting} waiting, ${watch.counts.expired} expired${watch.counts.other > 0 ? `, ${watch.counts.other} locked or revoked` : ""}.`}
            </p>
          )}
          <SheetTable rows={rows} shown={shown} watch={watch} />
          <div className="mt-4 flex justify-end">
            <Button variant="secondary" onClick={requestClose}>
              Done
            </Button>
          </div>
          <CloseWithoutSavingDialog
            open={confirmingClose}
            onOpenChange={setConfirmingClose}
            what={enrolments.length === rows.length ? "the links" : "the keys"}
            description={
              enrolments.length === rows.length
                ? "You have not copied or downloaded the enrolment links. They will never be shown again: without them you must connect these agents' hosts again."
                : "You have not copied or downloaded the new keys. They will never be shown again: without them you must rotate these agents again."
            }
            onCloseAnyway={onClose}
          />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

const SHEET_ROW_HEIGHT = 33;

/** A link with its token hidden: the token is the secret, the rest names the hand-off. */
function maskLink(url: string): string {
  const hash = url.indexOf("#");
  return hash < 0 ? url : `${url.slice(0, hash + 1)}${"•".repeat(12)}`;
}

/** The sheet's rows, virtualised: a batch of 1,000 keys puts a screenful in the DOM, not 1,000 rows. */
function SheetTable({
  rows,
  shown,
  watch,
}: {
  rows: readonly SheetRow[];
  shown: boolean;
  watch: ReturnType<typeof useBatchWatch>;
}) {
  const links = rows.some((row) => "handoff" in row);
  const onlyEnrolments = rows.every((row) => "enrolment" in row);
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => SHEET_ROW_HEIGHT,
    overscan: 10,
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return (
    <div ref={scroller} className="mt-2 max-h-[50vh] min-h-0 flex-1 overflow-y-auto rounded-md border border-slate-200">
      <table className="w-full table-fixed text-left text-sm">
        <caption className="sr-only">
          {onlyEnrolments ? "Enrolment links of this batch" : "New keys of this batch"}
        </caption>
        <colgroup>
          <col />
          <col className="w-20" />
          <col className={links ? "w-[45%]" : "w-[55%]"} />
          {links && <col className="w-36" />}
        </colgroup>
        <thead className="sticky top-0 bg-slate-50 text-slate-700">
          <tr>
            <th scope="col" className="px-3 py-2 font-medium">
              Agent
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              ID
            </th>
            <th scope="col" className="px-3 py-2 font-medium">
              {onlyEnrolments ? "Enrolment link" : links ? "New key or hand-off link" : "New key"}
            </th>
            {links && (
              <th scope="col" className="px-3 py-2 font-medium">
                State
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 && <tr aria-hidden="true" style={{ height: paddingTop }} />}
          {items.map((item) => {
            const row = rows[item.index];
            return row ? (
              <tr key={row.agentId} className="h-[33px] border-t border-slate-100">
                <th scope="row" className="truncate px-3 font-normal text-slate-900">
                  {row.name}
                </th>
                <td className="px-3 tabular-nums text-slate-700">{row.agentId}</td>
                <td className="truncate px-3 font-mono text-xs text-slate-900">
                  {"apiKey" in row
                    ? shown
                      ? row.apiKey
                      : maskKey(row.apiKey)
                    : shown
                      ? linkOf(row)
                      : maskLink(linkOf(row) ?? "")}
                </td>
                {links && (
                  <td className="truncate px-3 text-xs text-slate-700" data-testid="sheet-handoff-state">
                    {"handoff" in row ? watchedWords(watch.byId.get(row.handoff.id), watch.serverNow) : ""}
                  </td>
                )}
              </tr>
            ) : null;
          })}
          {paddingBottom > 0 && <tr aria-hidden="true" style={{ height: paddingBottom }} />}
        </tbody>
      </table>
    </div>
  );
}
