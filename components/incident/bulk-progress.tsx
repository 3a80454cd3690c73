"use client";

import { Button } from "@/components/ui/button";
import type { BulkProgress as Progress } from "./bulk-run";
import type { BulkKind } from "./use-bulk-run";

type BulkProgressProps = {
  kind: BulkKind;
  progress: Progress;
  total: number;
  onPause: () => void;
  onResume: () => void;
  onCancel: () => void;
};

function timeLeft(seconds: number | null): string {
  if (seconds === null) return "estimating time left";
  if (seconds < 60) return `about ${seconds} s left`;
  return `about ${Math.ceil(seconds / 60)} min left`;
}

/** A bulk run's progress, with Pause and Cancel: Cancel stops every call not yet started. */
export function BulkProgress({ kind, progress, total, onPause, onResume, onCancel }: BulkProgressProps) {
  const finishedCount = total - progress.remaining;
  const label =
    kind === "rotate" ? "Rotating keys" : kind === "deactivate" ? "Deactivating agents" : "Making enrolment links";
  return (
    <section aria-label={label} className="rounded-lg border border-blue-200 bg-blue-50 p-4 text-sm text-slate-900">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 className="font-semibold">
          {label}: {finishedCount} of {total}
          {progress.paused ? " (paused)" : ""}
        </h2>
        {!progress.finished && (
          <div className="flex gap-2">
            {progress.paused ? (
              <Button onClick={onResume}>Resume</Button>
            ) : (
              <Button variant="secondary" onClick={onPause}>
                Pause
              </Button>
            )}
            <Button variant="danger" onClick={onCancel}>
              Cancel
            </Button>
          </div>
        )}
      </div>
      <div
        role="progressbar"
        aria-label={`${label} progress`}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={finishedCount}
        className="mt-3 h-2 w-full overflow-hidden rounded-full bg-blue-100"
      >
        <div
          className="h-full bg-blue-600 transition-[width]"
          style={{ width: `${total === 0 ? 100 : (finishedCount / total) * 100}%` }}
        />
      </div>
      <p aria-live="polite" className="mt-2 tabular-nums">
        Done {progress.done} · Refused {progress.refused} · Outcome unknown {progress.unknown} · Remaining{" "}
        {progress.remaining}
        {progress.cancelled > 0 ? ` · Cancelled ${progress.cancelled}` : ""}
        {progress.finished
          ? ""
          : ` · ${progress.waitingUntil ? "waiting on the faucet's rate limit" : timeLeft(progress.etaSeconds)}`}
      </p>
    </section>
  );
}
