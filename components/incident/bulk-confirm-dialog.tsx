"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { AGENT_COOLDOWN_MS, formatCooldownLength } from "@/lib/keys/cooldowns";
import { formatUtcTime } from "@/lib/format-utc-time";
import type { BulkKind } from "./use-bulk-run";
import type { SelectedAgent } from "./selection";

/** How far back a rotation counts as "recent" in the confirmation: an incident's own pace. */
const RECENT_MS = 10 * 60_000;

type BulkConfirmDialogProps = {
  kind: BulkKind;
  /** Null while "all matching" is being resolved. */
  agents: readonly SelectedAgent[] | null;
  again: boolean;
  error: string | null;
  now: number;
  /** handOff: "Hand off all" was ticked (rotations only). */
  onConfirm: (options: { handOff: boolean }) => void;
  onCancel: () => void;
};

function consequence(kind: BulkKind, count: number, again: boolean): string {
  if (kind === "deactivate")
    return `The keys of ${count} agents stop paying at once; their balances stay. Reactivate them one by one from their menus.`;
  if (kind === "connect-host")
    return `Makes a single-use enrolment link for the machine of each of these ${count} agents, shown once on one sheet when the run ends. On each machine, node receive.mjs enrol '<link>' connects it: from then on every new key of that agent is sealed to it and written to its credentials.json. A host already connected is replaced once its agent's new link is used. Nothing changes at the faucet.`;
  const cooldown = formatCooldownLength(AGENT_COOLDOWN_MS);
  const lead = again ? `These ${count} agents may already have new keys that were never shown. ` : "";
  return `${lead}${count} keys stop working at once, and ${count} withdrawal cooldowns of ${cooldown} start. The new keys are shown once, on one sheet, when the run ends.`;
}

/** One confirmation for a whole bulk run, stating its count and consequences. */
export function BulkConfirmDialog({ kind, agents, again, error, now, onConfirm, onCancel }: BulkConfirmDialogProps) {
  const count = agents?.length ?? 0;
  const [handOff, setHandOff] = useState(false);
  // A rotation made minutes ago matters to a change of keys or of state, not to an enrolment link.
  const recent = (kind === "connect-host" ? [] : (agents ?? []))
    .flatMap((agent) =>
      agent.lastRotation && now - agent.lastRotation.at < RECENT_MS ? [{ agent, rotation: agent.lastRotation }] : [],
    )
    .slice(0, 20);
  const title =
    kind === "rotate"
      ? again
        ? `Rotate ${count} keys again?`
        : `Rotate ${count} keys?`
      : kind === "connect-host"
        ? `Connect hosts for ${count} agents?`
        : `Deactivate ${count} agents?`;
  const confirmLabel =
    kind === "rotate"
      ? `Rotate ${count} keys`
      : kind === "connect-host"
        ? `Make ${count} enrolment links`
        : `Deactivate ${count} agents`;
  return (
    <AlertDialog.Root open onOpenChange={(open) => !open && onCancel()}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
        <AlertDialog.Content className="fixed left-1/2 top-1/2 z-50 max-h-[92vh] w-[min(36rem,94vw)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-6 shadow-xl">
          <AlertDialog.Title className="text-lg font-semibold text-slate-900">
            {agents ? title : "Preparing the selection…"}
          </AlertDialog.Title>
          <AlertDialog.Description className="mt-2 text-sm text-slate-700">
            {agents ? consequence(kind, count, again) : "Looking up every agent that matches the search and filter."}
          </AlertDialog.Description>
          {recent.length > 0 && (
            <div className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
              <p className="font-medium">Rotated in the last few minutes:</p>
              <ul className="mt-1 list-disc pl-5">
                {recent.map(({ agent, rotation }) => (
                  <li key={agent.id}>
                    {agent.name}: at {formatUtcTime(rotation.at, { seconds: true })} from session{" "}
                    <code className="font-mono">{rotation.sessionLabel}</code>
                  </li>
                ))}
              </ul>
            </div>
          )}
          {kind === "rotate" && (
            <label className="mt-3 flex items-start gap-2 text-sm text-slate-800">
              <input
                type="checkbox"
                className="mt-0.5"
                checked={handOff}
                onChange={(event) => setHandOff(event.target.checked)}
              />
              <span>
                <span className="font-medium">Hand off all</span>: seal each new key into its own single-use link for
                the agent&apos;s machine, without showing the keys. The sheet lists the links and watches each until it
                is collected or expires.
              </span>
            </label>
          )}
          {error && (
            <p role="alert" className="mt-3 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
              {error}
            </p>
          )}
          <div className="mt-6 flex flex-wrap justify-end gap-3">
            <AlertDialog.Cancel asChild>
              <Button variant="secondary">Cancel</Button>
            </AlertDialog.Cancel>
            {/* Not AlertDialog.Action: the dialog closes only once the run has started. */}
            <Button
              variant={kind === "connect-host" ? "primary" : "danger"}
              onClick={() => onConfirm({ handOff: kind === "rotate" && handOff })}
              disabled={!agents || count === 0}
            >
              {confirmLabel}
            </Button>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
