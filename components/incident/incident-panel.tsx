"use client";

import Link from "next/link";
import { useState } from "react";
import { useBeforeUnloadGuard } from "@/components/keys/use-before-unload-guard";
import { useNowReader } from "@/components/time/now-provider";
import { Button } from "@/components/ui/button";
import { BatchRevealDialog } from "./batch-reveal-dialog";
import { BulkConfirmDialog } from "./bulk-confirm-dialog";
import { BulkProgress } from "./bulk-progress";
import { sheetRows, type SheetRow } from "./key-sheet";
import { resolveSelection, selectedCount, type SelectedAgent, type Selection } from "./selection";
import {
  connectHostCall,
  deactivateCall,
  handOffCall,
  rotateCall,
  runOutcomes,
  useBulkRun,
  type BulkKind,
} from "./use-bulk-run";

export type IncidentPanelProps = {
  selection: Selection;
  onClearSelection: () => void;
  /** BULK_CONCURRENCY: calls in flight at once. */
  concurrency: number;
  /** The run changed agents: the list may refetch (never while keys are on screen). */
  onChanged: () => void;
};

type Confirming = { kind: BulkKind; agents: SelectedAgent[] | null; again: boolean; error: string | null; now: number };
type Summary = {
  kind: BulkKind;
  batchId: string;
  done: number;
  cancelled: number;
  unknown: SelectedAgent[];
  refused: { agent: SelectedAgent; message: string }[];
};

/**
 * Incident mode: a bulk action over the selection, from one confirmation to one sheet of
 * new keys. The keys live in the run (this tab's memory) until the sheet closes; what stays
 * on screen afterwards is names and outcomes only.
 */
export function IncidentPanel({ selection, onClearSelection, concurrency, onChanged }: IncidentPanelProps) {
  const bulk = useBulkRun(concurrency);
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const [summary, setSummary] = useState<Summary | null>(null);
  const readNow = useNowReader();
  const count = selectedCount(selection);
  const current = bulk.current;
  const running = current !== null && !current.progress.finished;
  const sheet: SheetRow[] =
    current?.progress.finished && current.kind !== "deactivate"
      ? sheetRows(current.run.states(), current.agents, window.location.origin)
      : [];
  useBeforeUnloadGuard(running);

  async function ask(kind: BulkKind, again = false, agents?: SelectedAgent[]) {
    setSummary(null);
    const now = readNow();
    setConfirming({ kind, agents: agents ?? null, again, error: null, now });
    if (agents) return;
    try {
      setConfirming({ kind, agents: await resolveSelection(selection), again, error: null, now });
    } catch (error) {
      setConfirming({
        kind,
        agents: [],
        again,
        error: error instanceof Error ? error.message : "The selection could not be loaded.",
        now,
      });
    }
  }

  /** handOff: "Hand off all" was ticked (rotations only): one hand-off per rotated agent, no key shown. */
  async function confirm({ handOff = false }: { handOff?: boolean } = {}) {
    if (!confirming?.agents) return;
    const { kind, agents, again } = confirming;
    const call =
      kind === "rotate"
        ? handOff
          ? handOffCall
          : rotateCall
        : kind === "connect-host"
          ? connectHostCall
          : deactivateCall;
    setConfirming(null);
    const problem = await bulk.start(kind, agents, call, { again });
    // The console would not issue the run: nothing was sent; say why where it was confirmed.
    if (problem) return setConfirming({ kind, agents, again, error: problem, now: readNow() });
    onClearSelection();
  }

  /** Ends the run: the keys go with it; names and outcomes stay for "Rotate again". */
  function finish() {
    if (!current) return;
    const { unknown, refused } = runOutcomes(current);
    setSummary({
      kind: current.kind,
      batchId: current.batchId,
      done: current.progress.done,
      cancelled: current.progress.cancelled,
      unknown,
      refused,
    });
    bulk.clear();
    onChanged();
  }

  const finishedWithoutSheet = current?.progress.finished && sheet.length === 0;
  return (
    <div className="flex flex-col gap-3">
      {count > 0 && !current && (
        <div
          role="toolbar"
          aria-label="Bulk actions"
          className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white p-3 text-sm"
        >
          <span className="font-medium">{count.toLocaleString("en")} selected</span>
          <Button variant="secondary" onClick={() => void ask("deactivate")}>
            Deactivate selected
          </Button>
          <Button variant="danger" onClick={() => void ask("rotate")}>
            Rotate selected keys
          </Button>
          <Button variant="secondary" onClick={() => void ask("connect-host")}>
            Connect agent hosts
          </Button>
          <Button variant="ghost" onClick={onClearSelection}>
            Clear selection
          </Button>
        </div>
      )}
      {current && (
        <BulkProgress
          kind={current.kind}
          progress={current.progress}
          total={current.agents.size}
          onPause={current.run.pause}
          onResume={current.run.resume}
          onCancel={() => current.run.cancel()}
        />
      )}
      {finishedWithoutSheet && (
        <div className="flex justify-end">
          <Button onClick={finish}>Close progress</Button>
        </div>
      )}
      {summary && (
        <RunSummary
          summary={summary}
          onRotateAgain={(agents) => void ask("rotate", true, agents)}
          onDismiss={() => setSummary(null)}
        />
      )}
      {confirming && (
        <BulkConfirmDialog
          {...confirming}
          onConfirm={(options) => void confirm(options)}
          onCancel={() => setConfirming(null)}
        />
      )}
      {sheet.length > 0 && current && <BatchRevealDialog rows={sheet} batchId={current.batchId} onClose={finish} />}
    </div>
  );
}

function RunSummary({
  summary,
  onRotateAgain,
  onDismiss,
}: {
  summary: Summary;
  onRotateAgain: (agents: SelectedAgent[]) => void;
  onDismiss: () => void;
}) {
  const verb =
    summary.kind === "rotate" ? "rotated" : summary.kind === "deactivate" ? "deactivated" : "enrolment links made";
  return (
    <section aria-label="Bulk run result" className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
      <p>
        {summary.done} {verb}
        {summary.refused.length > 0 ? `, ${summary.refused.length} refused` : ""}
        {summary.unknown.length > 0 ? `, ${summary.unknown.length} with an unknown outcome` : ""}
        {summary.cancelled > 0 ? `, ${summary.cancelled} not sent (cancelled)` : ""}.
      </p>
      {summary.unknown.length > 0 && (
        <div className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900">
          <p className="font-medium">
            Outcome unknown: the faucet may have changed these agents, and was not asked again.
          </p>
          <ul className="mt-1 list-disc pl-5">
            {summary.unknown.map((agent) => (
              <li key={agent.id}>
                {agent.name} (#{agent.id})
              </li>
            ))}
          </ul>
          {summary.kind === "rotate" && (
            <Button className="mt-2" variant="danger" onClick={() => onRotateAgain(summary.unknown)}>
              Rotate again
            </Button>
          )}
        </div>
      )}
      {summary.refused.length > 0 && (
        <ul className="mt-3 list-disc pl-5 text-slate-700">
          {summary.refused.slice(0, 50).map(({ agent, message }) => (
            <li key={agent.id}>
              {agent.name}: {message}
            </li>
          ))}
        </ul>
      )}
      <div className="mt-3 flex items-center justify-end gap-3">
        {/* An enrolment link is audited when a host uses it (enrol_host), not when it is made. */}
        {summary.kind !== "connect-host" && (
          <Link
            href={`/audit?batch=${summary.batchId}`}
            className="text-sm text-blue-700 underline-offset-2 hover:underline"
          >
            Audit log of this run
          </Link>
        )}
        <Button variant="ghost" onClick={onDismiss}>
          Dismiss
        </Button>
      </div>
    </section>
  );
}
