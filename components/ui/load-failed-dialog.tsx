"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { Button } from "@/components/ui/button";
import type { OnDemandState } from "./on-demand";

type LoadFailedDialogProps = {
  /** The part as the user knows it, e.g. "The agent's actions". */
  what: string;
  state: OnDemandState<unknown>;
  onRetry: () => void;
  onCancel: () => void;
};

/**
 * What the user sees when a part of the page loaded on first use (components/ui/on-demand.ts)
 * could not be downloaded: what failed, that nothing was changed, and a retry. Rendered by
 * whoever asked for the part; open while its download has failed or is being retried.
 */
export function LoadFailedDialog({ what, state, onRetry, onCancel }: LoadFailedDialogProps) {
  const retrying = state.status === "loading" && state.retrying;
  const open = state.status === "failed" || retrying;
  return (
    <AlertDialog.Root open={open} onOpenChange={(next) => !next && onCancel()}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
        <AlertDialog.Content className="fixed left-1/2 top-1/2 z-50 max-h-[92vh] w-[min(32rem,92vw)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-6 shadow-xl">
          <AlertDialog.Title className="text-lg font-semibold text-slate-900">
            {what} could not be loaded
          </AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-slate-700">
            This part of the console is downloaded when first used, and the download failed: the network may be down.
            Nothing was changed. Check your connection and try again.
          </AlertDialog.Description>
          <div className="mt-6 flex flex-wrap justify-end gap-3">
            <AlertDialog.Cancel asChild>
              <Button variant="secondary">Cancel</Button>
            </AlertDialog.Cancel>
            {/* Not disabled while retrying: a disabled button would drop the focus out of the dialog. */}
            <Button onClick={onRetry} aria-busy={retrying}>
              {retrying ? "Retrying…" : "Retry"}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
