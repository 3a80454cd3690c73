"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { formatUtcTime } from "@/lib/format-utc-time";
import { CloseWithoutSavingDialog } from "./close-without-saving-dialog";
import { maskKey } from "./mask-key";
import type { RevealedKey } from "./rotation-target";
import { useBeforeUnloadGuard } from "./use-before-unload-guard";

type KeyRevealDialogProps = {
  revealed: RevealedKey;
  onClose: () => void;
  /** Where focus goes on close; Radix would otherwise fall back to the page's top. */
  returnFocusTo?: () => HTMLElement | null;
};

/**
 * Shows a new key exactly once. The key lives in this dialog's props and state only;
 * closing before the key was copied or shown asks first, because it is gone for good.
 */
export function KeyRevealDialog({ revealed, onClose, returnFocusTo }: KeyRevealDialogProps) {
  const [shown, setShown] = useState(false);
  const [copyStatus, setCopyStatus] = useState<"idle" | "copied" | "failed">("idle");
  const [confirmingClose, setConfirmingClose] = useState(false);
  const copyButton = useRef<HTMLButtonElement>(null);
  const secured = shown || copyStatus === "copied";
  useBeforeUnloadGuard(true);

  const requestClose = () => (secured ? onClose() : setConfirmingClose(true));
  const guardDismiss = (event: Event) => {
    event.preventDefault();
    requestClose();
  };

  async function copy() {
    try {
      await navigator.clipboard.writeText(revealed.apiKey);
      setCopyStatus("copied");
    } catch {
      setCopyStatus("failed");
    }
  }

  const { target } = revealed;
  const title = target.kind === "agent" ? `New API key for ${target.name}` : "New operator API key";
  return (
    <Dialog.Root open onOpenChange={(open) => !open && requestClose()}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
        <Dialog.Content
          onEscapeKeyDown={guardDismiss}
          onPointerDownOutside={guardDismiss}
          onInteractOutside={(event) => event.preventDefault()}
          // Enter pressed repeatedly on the confirmation must land on a harmless button.
          onOpenAutoFocus={(event) => {
            event.preventDefault();
            copyButton.current?.focus();
          }}
          onCloseAutoFocus={(event) => {
            const target = returnFocusTo?.();
            if (!target) return;
            event.preventDefault();
            target.focus();
          }}
          className="fixed left-1/2 top-1/2 z-50 w-[min(36rem,94vw)] -translate-x-1/2 -translate-y-1/2 rounded-lg bg-white p-6 shadow-xl"
        >
          <Dialog.Title className="text-lg font-semibold text-slate-900">{title}</Dialog.Title>
          <Dialog.Description className="mt-2 text-sm text-slate-700">
            This key is shown once and never again. Store it where {target.kind === "agent" ? "the agent" : "you"} will read it now.
          </Dialog.Description>
          <div className="mt-4 flex items-center gap-2 rounded-md border border-slate-300 bg-slate-50 p-3">
            <code aria-label={shown ? "New API key" : "New API key, hidden"} className="min-w-0 flex-1 break-all font-mono text-sm text-slate-900">
              {shown ? revealed.apiKey : maskKey(revealed.apiKey)}
            </code>
          </div>
          <div className="mt-3 flex flex-wrap gap-2">
            <Button ref={copyButton} onClick={copy}>
              Copy key
            </Button>
            <Button variant="secondary" aria-pressed={shown} onClick={() => setShown((value) => !value)}>
              {shown ? "Hide key" : "Show key"}
            </Button>
            <span role="status" className="self-center text-sm text-slate-700">
              {copyStatus === "copied" ? "Copied to the clipboard." : copyStatus === "failed" ? "Copying failed: use Show key and copy it by hand." : ""}
            </span>
          </div>
          {revealed.cooldownUntil !== null && (
            <p className="mt-4 text-sm text-slate-700">
              Withdrawals {target.kind === "agent" ? "for this agent" : ""} are locked until {formatUtcTime(revealed.cooldownUntil)}.
            </p>
          )}
          {revealed.warning && (
            <p role="alert" className="mt-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
              {revealed.warning}
            </p>
          )}
          <div className="mt-6 flex justify-end">
            <Button variant="secondary" onClick={requestClose}>
              Done
            </Button>
          </div>
          <CloseWithoutSavingDialog
            open={confirmingClose}
            onOpenChange={setConfirmingClose}
            what="the key"
            description="You have not copied or shown the new key. It will never be shown again: without it you must rotate again."
            onCloseAnyway={onClose}
          />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
