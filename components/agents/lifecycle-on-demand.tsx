"use client";

import { useState, type KeyboardEvent, type MouseEvent } from "react";
import { buttonClass } from "@/components/ui/button";
import { LoadFailedDialog } from "@/components/ui/load-failed-dialog";
import { onDemand } from "@/components/ui/on-demand";
import type { AgentRow } from "@/lib/agents/agents-view";
import type { AgentChangeKind } from "./lifecycle/agent-change-kinds";

/**
 * The lifecycle's menu and dialogs, loaded on first use: pointer over or focus on "More actions"
 * or "New agent" starts the download, so the click finds them there. A rotation never waits on
 * this part: its confirmation and reveal (components/keys) are in the page itself.
 */
export const lifecycle = onDemand(() => import("./lifecycle/lifecycle-parts"));

export const LIFECYCLE_NAME = "The agent actions";

type RowActionsProps = { agent: AgentRow; onAction: (kind: AgentChangeKind, agent: AgentRow) => void };

/**
 * The row's "More actions": a plain button until first pressed, then the Radix menu
 * (lifecycle/row-actions-menu.tsx), opened as the press asked (from the keyboard, on its first item).
 */
export function RowActions({ agent, onAction }: RowActionsProps) {
  const part = lifecycle.useStatus();
  const [opening, setOpening] = useState<"keyboard" | "pointer" | null>(null);
  if (opening && part.status === "ready")
    return <part.module.RowActionsMenu agent={agent} onAction={onAction} openedBy={opening} />;
  const open = (by: "keyboard" | "pointer") => {
    setOpening(by);
    lifecycle.load();
  };
  return (
    <>
      <button
        type="button"
        className={buttonClass("ghost", "px-2")}
        aria-label={`More actions for ${agent.name}`}
        aria-haspopup="menu"
        aria-expanded={false}
        aria-busy={opening !== null && part.status === "loading"}
        data-row-menu=""
        onPointerEnter={lifecycle.load}
        onFocus={lifecycle.load}
        // A click from Enter or Space has no pointer: detail 0.
        onClick={(event: MouseEvent) => open(event.detail === 0 ? "keyboard" : "pointer")}
        onKeyDown={(event: KeyboardEvent) => {
          if (event.key !== "ArrowDown") return;
          event.preventDefault();
          open("keyboard");
        }}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {opening && (
        <LoadFailedDialog
          what={LIFECYCLE_NAME}
          state={part}
          onRetry={lifecycle.retry}
          onCancel={() => setOpening(null)}
        />
      )}
    </>
  );
}
