"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useState } from "react";
import { mayHaveCommitted, type ActionFailure } from "@/lib/action-result";
import { formatUtcTime } from "@/lib/format-utc-time";
import { Button } from "@/components/ui/button";
import { AGENT_COOLDOWN_MS, formatCooldownLength, OPERATOR_COOLDOWN_MS } from "@/lib/keys/cooldowns";
import type { RotationTarget } from "./rotation-target";

type ConfirmRotationDialogProps = {
  target: RotationTarget | null;
  pending: boolean;
  failure: ActionFailure | null;
  /** handOff: the operator asked for a hand-off instead of seeing the key (agents only). */
  onConfirm: (options: { handOff: boolean; showKey: boolean }) => void;
  onConfirmAnyway: () => void;
  onCancel: () => void;
  onReload: () => void;
};

function consequence(target: RotationTarget): string {
  return target.kind === "agent"
    ? `The current key of ${target.name} stops working immediately, and withdrawals for this agent are locked for ${formatCooldownLength(AGENT_COOLDOWN_MS)}.`
    : `Your current operator key stops working immediately, and withdrawals are locked for ${formatCooldownLength(OPERATOR_COOLDOWN_MS)}. This console switches to the new key, so you stay signed in; every other session of this operator is signed out.`;
}

/** Failures after which the same button would do something different: say so on the button. */

export function ConfirmRotationDialog({
  target,
  pending,
  failure,
  onConfirm,
  onConfirmAnyway,
  onCancel,
  onReload,
}: ConfirmRotationDialogProps) {
  const rotatedElsewhere = failure?.code === "rotated_elsewhere";
  const retry = failure !== null && mayHaveCommitted(failure.code);
  const [handOff, setHandOff] = useState(false);
  const [showKey, setShowKey] = useState(false);
  // Each confirmation starts unticked: the choice is reset when the dialog closes.
  const open = target !== null;
  const [wasOpen, setWasOpen] = useState(open);
  if (open !== wasOpen) {
    setWasOpen(open);
    if (!open) {
      setHandOff(false);
      setShowKey(false);
    }
  }
  return (
    <AlertDialog.Root open={target !== null} onOpenChange={(open) => !open && !pending && onCancel()}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
        <AlertDialog.Content className="fixed left-1/2 top-1/2 z-50 max-h-[92vh] w-[min(32rem,92vw)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-6 shadow-xl">
          {target && (
            <>
              <AlertDialog.Title className="text-lg font-semibold text-slate-900">
                {target.kind === "agent" ? `Rotate key for ${target.name}?` : "Rotate the operator key?"}
              </AlertDialog.Title>
              <AlertDialog.Description className="mt-2 text-sm text-slate-700">
                {consequence(target)}
              </AlertDialog.Description>
              {target.lastRotation && !rotatedElsewhere && (
                <p className="mt-2 text-sm text-slate-600">
                  Last rotated at {formatUtcTime(target.lastRotation.at, { seconds: true })} from session{" "}
                  <code className="font-mono">{target.lastRotation.sessionLabel}</code>.
                </p>
              )}
              {target.kind === "agent" && target.hostName && (
                <label className="mt-4 flex items-start gap-2 text-sm text-slate-800">
                  <input
                    type="checkbox"
                    className="mt-0.5"
                    checked={showKey}
                    disabled={pending}
                    onChange={(event) => setShowKey(event.target.checked)}
                  />
                  <span>
                    Show key anyway
                    <span className="block text-slate-600">
                      The new key goes sealed to {target.hostName}, which writes it for the agent; tick this only if you
                      need to see it here too.
                    </span>
                  </span>
                </label>
              )}
              {target.kind === "agent" && (
                <label className="mt-4 flex items-start gap-2 text-sm text-slate-800">
                  <input
                    type="checkbox"
                    className="mt-0.5"
                    checked={handOff}
                    disabled={pending}
                    onChange={(event) => setHandOff(event.target.checked)}
                  />
                  <span>
                    Hand off without showing me the key
                    <span className="block text-slate-600">
                      The new key goes into a single-use link for the agent&apos;s machine; nobody sees it here.
                    </span>
                  </span>
                </label>
              )}
              {failure && (
                <p role="alert" className="mt-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
                  {failure.message}
                </p>
              )}
              <div className="mt-6 flex flex-wrap justify-end gap-3">
                <AlertDialog.Cancel asChild>
                  <Button variant="secondary" disabled={pending}>
                    {rotatedElsewhere ? "Close" : "Cancel"}
                  </Button>
                </AlertDialog.Cancel>
                {rotatedElsewhere ? (
                  <>
                    <Button variant="secondary" onClick={onReload} disabled={pending}>
                      Reload agents
                    </Button>
                    <Button variant="danger" onClick={onConfirmAnyway} disabled={pending} aria-busy={pending}>
                      Rotate anyway
                    </Button>
                  </>
                ) : (
                  // Not AlertDialog.Action: that would close the dialog before the result is known.
                  <Button
                    variant="danger"
                    onClick={() => onConfirm({ handOff: target.kind === "agent" && handOff, showKey })}
                    disabled={pending}
                    aria-busy={pending}
                  >
                    {retry ? "Rotate again" : "Rotate key"}
                  </Button>
                )}
              </div>
              <p aria-live="polite" className="sr-only">
                {pending ? "Rotating…" : ""}
              </p>
            </>
          )}
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
