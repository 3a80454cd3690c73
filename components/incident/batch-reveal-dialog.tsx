"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useVirtualizer } from "@tanstack/react-virtual";
import { useRef, useState } from "react";
import { CloseWithoutSavingDialog } from "@/components/keys/close-without-saving-dialog";
import { maskKey } from "@/components/keys/mask-key";
import { useBeforeUnloadGuard } from "@/components/keys/use-before-unload-guard";
import { Button } from "@/components/ui/button";
import { downloadText, envText, jsonText, type SheetRow } from "./key-sheet";

type BatchRevealDialogProps = { rows: readonly SheetRow[]; onClose: () => void };

/**
 * The batch's new keys on one sheet, shown once. The keys live in this dialog's props only
 * (the run's memory in the tab); copying and downloading build their text here, in the tab.
 * Closing asks first until the keys were copied or downloaded: they cannot be shown again.
 */
export function BatchRevealDialog({ rows, onClose }: BatchRevealDialogProps) {
  const [shown, setShown] = useState(false);
  const [saved, setSaved] = useState(false);
  const [status, setStatus] = useState("");
  const [confirmingClose, setConfirmingClose] = useState(false);
  useBeforeUnloadGuard(true);

  const requestClose = () => (saved ? onClose() : setConfirmingClose(true));
  const guardDismiss = (event: Event) => {
    event.preventDefault();
    requestClose();
  };

  async function copyEnv() {
    try {
      await navigator.clipboard.writeText(envText(rows));
      setSaved(true);
      setStatus(`Copied ${rows.length} keys as .env lines.`);
    } catch {
      setStatus("Copying failed: download the keys instead.");
    }
  }

  function download(kind: "env" | "json") {
    if (kind === "env") downloadText(envText(rows), "agent-keys.env", "text/plain");
    else downloadText(jsonText(rows), "agent-keys.json", "application/json");
    setSaved(true);
    setStatus(`Downloaded ${rows.length} keys as ${kind === "env" ? ".env" : "JSON"}.`);
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
          <Dialog.Title className="text-lg font-semibold text-slate-900">New API keys</Dialog.Title>
          <Dialog.Description className="mt-2 text-sm text-slate-700">
            {rows.length} {rows.length === 1 ? "agent has" : "agents have"} a new key. They are shown once and never
            again: copy or download them now.
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
              {shown ? "Hide keys" : "Show keys"}
            </Button>
          </div>
          <p role="status" className="mt-2 min-h-5 text-sm text-slate-700">
            {status}
          </p>
          <SheetTable rows={rows} shown={shown} />
          <div className="mt-4 flex justify-end">
            <Button variant="secondary" onClick={requestClose}>
              Done
            </Button>
          </div>
          <CloseWithoutSavingDialog
            open={confirmingClose}
            onOpenChange={setConfirmingClose}
            what="the keys"
            description="You have not copied or downloaded the new keys. They will never be shown again: without them you must rotate these agents again."
            onCloseAnyway={onClose}
          />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

const SHEET_ROW_HEIGHT = 33;

/** The sheet's rows, virtualised: a batch of 1,000 keys puts a screenful in the DOM, not 1,000 rows. */
function SheetTable({ rows, shown }: { rows: readonly SheetRow[]; shown: boolean }) {
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
        <caption className="sr-only">New keys of this batch</caption>
        <colgroup>
          <col />
          <col className="w-20" />
          <col className="w-[55%]" />
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
              New key
            </th>
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
                  {shown ? row.apiKey : maskKey(row.apiKey)}
                </td>
              </tr>
            ) : null;
          })}
          {paddingBottom > 0 && <tr aria-hidden="true" style={{ height: paddingBottom }} />}
        </tbody>
      </table>
    </div>
  );
}
