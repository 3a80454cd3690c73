"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { Button } from "@/components/ui/button";

type CloseWithoutSavingDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** "the key" or "the keys": what is lost for good. */
  what: string;
  description: string;
  onCloseAnyway: () => void;
};

/** The second question before a reveal closes unsaved: a key shown once cannot be shown again. */
export function CloseWithoutSavingDialog({
  open,
  onOpenChange,
  what,
  description,
  onCloseAnyway,
}: CloseWithoutSavingDialogProps) {
  return (
    <AlertDialog.Root open={open} onOpenChange={onOpenChange}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-50 bg-slate-900/40" />
        <AlertDialog.Content className="fixed left-1/2 top-1/2 z-[60] w-[min(28rem,90vw)] -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-6 shadow-xl">
          <AlertDialog.Title className="text-lg font-semibold text-slate-900">
            Close without saving {what}?
          </AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-slate-700">{description}</AlertDialog.Description>
          <div className="mt-6 flex justify-end gap-3">
            <AlertDialog.Cancel asChild>
              <Button variant="secondary">Keep it open</Button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <Button variant="danger" onClick={onCloseAnyway}>
                Close anyway
              </Button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
