"use client";

import * as DropdownMenu from "@radix-ui/react-dropdown-menu";
import Link from "next/link";
import { useRef } from "react";
import { buttonClass } from "@/components/ui/button";
import type { AgentRow } from "@/lib/agents/agents-view";
import type { AgentChangeKind } from "./agent-change-kinds";

type RowActionsMenuProps = {
  agent: AgentRow;
  onAction: (kind: AgentChangeKind, agent: AgentRow) => void;
  /** The press that downloaded this menu (lifecycle-on-demand.tsx): it mounts open, as that press asked. */
  openedBy: "keyboard" | "pointer";
};

const itemClass =
  "cursor-pointer rounded px-3 py-2 text-sm text-slate-900 outline-none data-[highlighted]:bg-slate-100 data-[highlighted]:text-slate-950";

/** The row's other actions; Radix gives it arrow keys, typeahead, Escape and focus return. */
export function RowActionsMenu({ agent, onAction, openedBy }: RowActionsMenuProps) {
  // Radix learns that the keyboard is in use from a keydown it listens for once mounted; the
  // key that opened this menu came before, so its first opening focuses the first item here.
  const firstOpening = useRef(openedBy);
  const item = (kind: AgentChangeKind, label: string, danger = false) => (
    <DropdownMenu.Item
      className={`${itemClass} ${danger ? "text-red-800" : ""}`}
      onSelect={() => onAction(kind, agent)}
    >
      {label}
    </DropdownMenu.Item>
  );
  return (
    // Not modal: a dialog opened from an item must get the page back unlocked.
    <DropdownMenu.Root modal={false} defaultOpen>
      <DropdownMenu.Trigger
        className={buttonClass("ghost", "px-2")}
        aria-label={`More actions for ${agent.name}`}
        data-row-menu=""
      >
        <span aria-hidden="true">⋯</span>
      </DropdownMenu.Trigger>
      {/* No portal: the menu stays inside the page's main landmark (Radix positions it fixed, so the scroller does not clip it). */}
      <DropdownMenu.Content
        align="end"
        sideOffset={4}
        className="z-30 min-w-48 rounded-md border border-slate-200 bg-white p-1 shadow-lg"
        // Radix focuses the menu itself when it opens; the first time, from the keyboard, pass that on to the first item.
        onFocus={(event) => {
          if (event.target !== event.currentTarget || firstOpening.current !== "keyboard") return;
          firstOpening.current = "pointer";
          event.currentTarget.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
        }}
      >
        <DropdownMenu.Item asChild className={itemClass}>
          <Link href={`/agents/${agent.id}`}>Details</Link>
        </DropdownMenu.Item>
        {agent.isActive ? item("deactivate", "Deactivate", true) : item("reactivate", "Reactivate")}
        {item("budget", "Edit budget")}
        {item("sweep", "Sweep balance")}
        {item("fund", "Fund agent")}
        {item("connect-host", agent.host ? "Connect another agent host" : "Connect agent host")}
        {agent.host && item("disconnect-host", "Disconnect host", true)}
        <DropdownMenu.Separator className="my-1 h-px bg-slate-200" />
        {item("delete", "Delete agent", true)}
      </DropdownMenu.Content>
    </DropdownMenu.Root>
  );
}
