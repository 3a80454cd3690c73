"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useRef, useState } from "react";
import { Button } from "@/components/ui/button";
import { handOffKey } from "@/lib/actions/hand-off-key";
import { formatUtcTime } from "@/lib/format-utc-time";
import { CloseWithoutSavingDialog } from "./close-without-saving-dialog";
import { HandoffLinkPanel } from "./handoff-link-panel";
import { maskKey } from "./mask-key";
import type { HandoffLinkParts, RevealedKey } from "./rotation-target";
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
  // A hand-off made from this dialog ("Hand off to agent"), or the one the rotation made instead of showing the key.
  const [handoff, setHandoff] = useState<HandoffLinkParts | null>(revealed.handoff ?? null);
  const [handoffStatus, setHandoffStatus] = useState<{ pending: boolean; error: string | null }>({
    pending: false,
    error: null,
  });
  const [linkCopied, setLinkCopied] = useState(false);
  // A key sealed to the agent's host is safe without anyone copying it.
  const secured =
    shown ||
    copyStatus === "copied" ||
    linkCopied ||
    (revealed.apiKey === null && !!revealed.delivered && !revealed.handoff);
  useBeforeUnloadGuard(true);

  const requestClose = () => (secured ? onClose() : setConfirmingClose(true));
  const guardDismiss = (event: Event) => {
    event.preventDefault();
    requestClose();
  };

  async function handOff() {
    const { target, apiKey, attemptId } = revealed;
    if (target.kind !== "agent" || !apiKey || attemptId === undefined || handoffStatus.pending) return;
    setHandoffStatus({ pending: true, error: null });
    try {
      const result = await handOffKey({ agentId: target.agentId, agentName: target.name, apiKey, attemptId });
      if (result.ok) setHandoff(result.data);
      setHandoffStatus({ pending: false, error: result.ok ? null : result.message });
    } catch {
      setHandoffStatus({
        pending: false,
        error: "The console did not answer. The key is still here: copy it, or try Hand off to agent again.",
      });
    }
  }

  async function copy() {
    if (!revealed.apiKey) return;
    try {
      await navigator.clipboard.writeText(revealed.apiKey);
      setCopyStatus("copied");
    } catch {
      setCopyStatus("failed");
    }
  }

  const { target } = revealed;
  const delivered = revealed.delivered ?? null;
  const title =
    revealed.apiKey === null && delivered && !handoff
      ? `Delivered to ${delivered.hostName}`
      : revealed.apiKey === null
        ? `Hand-off link for ${target.name}`
        : target.kind === "agent"
          ? `New API key for ${target.name}`
          : "New operator API key";
  // The operator key never leaves through a link; a key from a rotation or a New agent this page made can.
  const canHandOff =
    target.kind === "agent" && revealed.apiKey !== null && revealed.attemptId !== undefined && handoff === null;
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
            {revealed.apiKey === null && delivered && !handoff
              ? `The new key of ${target.name} was sealed to its host ${delivered.hostName}, which writes it for the agent on its next poll. Nobody was shown it, and the console does not keep it.`
              : revealed.apiKey === null
                ? "The new key was sealed into a single-use link without being shown to anyone. The link is shown once and never again."
                : `This key is shown once and never again. Store it where ${target.kind === "agent" ? "the agent" : "you"} will read it now.`}
          </Dialog.Description>
          {revealed.apiKey !== null && (
            <>
              <div className="mt-4 flex items-center gap-2 rounded-md border border-slate-300 bg-slate-50 p-3">
                <code
                  aria-label={shown ? "New API key" : "New API key, hidden"}
                  className="min-w-0 flex-1 break-all font-mono text-sm text-slate-900"
                >
                  {shown ? revealed.apiKey : maskKey(revealed.apiKey)}
                </code>
              </div>
              <div className="mt-3 flex flex-wrap gap-2">
                <Button ref={copyButton} onClick={copy}>
                  Copy key
                </Button>
                {canHandOff && (
                  <Button
                    variant="secondary"
                    onClick={() => void handOff()}
                    disabled={handoffStatus.pending}
                    aria-busy={handoffStatus.pending}
                  >
                    Hand off to agent
                  </Button>
                )}
                <Button variant="secondary" aria-pressed={shown} onClick={() => setShown((value) => !value)}>
                  {shown ? "Hide key" : "Show key"}
                </Button>
                <span role="status" className="self-center text-sm text-slate-700">
                  {copyStatus === "copied"
                    ? "Copied to the clipboard."
                    : copyStatus === "failed"
                      ? "Copying failed: use Show key and copy it by hand."
                      : ""}
                </span>
              </div>
            </>
          )}
          {handoffStatus.error && (
            <p role="alert" className="mt-2 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
              {handoffStatus.error}
            </p>
          )}
          {handoff && (
            <HandoffLinkPanel
              handoff={handoff}
              agentName={target.name}
              onCopied={() => setLinkCopied(true)}
              copyButton={revealed.apiKey === null ? copyButton : undefined}
            />
          )}
          {delivered && revealed.apiKey !== null && (
            <p className="mt-3 text-sm text-slate-700">Also delivered sealed to {delivered.hostName}.</p>
          )}
          {revealed.cooldownUntil !== null && (
            <p className="mt-4 text-sm text-slate-700">
              Withdrawals {target.kind === "agent" ? "for this agent" : ""} are locked until{" "}
              {formatUtcTime(revealed.cooldownUntil)}.
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
            what={revealed.apiKey === null ? "the link" : "the key"}
            description={
              revealed.apiKey === null
                ? "You have not copied the hand-off link. It will never be shown again: without it you must revoke the hand-off and rotate again."
                : "You have not copied or shown the new key. It will never be shown again: without it you must rotate again."
            }
            onCloseAnyway={onClose}
          />
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
