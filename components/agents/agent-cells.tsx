"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { incidentMode } from "@/components/incident/incident-mode";
import { CooldownTimer } from "@/components/time/cooldown-timer";
import { Button } from "@/components/ui/button";
import type { AgentHostSummary, AgentRow } from "@/lib/agents/agents-view";
import { formatUtcTime } from "@/lib/format-utc-time";
import { AGENT_COOLDOWN_MS } from "@/lib/keys/cooldowns";
import { FlagList, KeyAgeCell } from "./agent-flags";
import { formatSats } from "./format-sats";
import type { AgentChangeKind } from "./lifecycle/agent-change-kinds";
import { RowActions } from "./lifecycle-on-demand";

/** What a row can start; one object so a new row action is one new field. */
export type RowHandlers = {
  onRotate: (agent: AgentRow) => void;
  onAction: (kind: AgentChangeKind, agent: AgentRow) => void;
  /** Incident mode: tick or untick the agent. */
  onToggle: (agent: AgentRow) => void;
};

type CellProps = { agent: AgentRow; handlers: RowHandlers; selected: boolean };

/** What a column's header may depend on: the select-all checkbox needs the count and the selection. */
export type HeaderContext = { rowCount: number; allMatching: boolean; toggleAllMatching: () => void };

/**
 * One column of the agents list: its header, its width and its cell. The table and the
 * phone cards render the same cells, so a new column (a selection checkbox) is one entry here.
 */
export type AgentColumn = {
  key: string;
  header: ReactNode | ((context: HeaderContext) => ReactNode);
  /** Tailwind width for the <col>; none = the rest. */
  width?: string;
  headerClass?: string;
  cellClass: string;
  /** The row's header cell (<th scope="row">) rather than a <td>. */
  rowHeader?: boolean;
  Cell: (props: CellProps) => ReactNode;
};

export function StateBadge({ agent }: { agent: AgentRow }) {
  return (
    <span
      className={`rounded-full px-2 py-0.5 text-xs font-medium ${agent.isActive ? "bg-emerald-100 text-emerald-900" : "bg-slate-200 text-slate-700"}`}
    >
      {agent.isActive ? "Active" : "Inactive"}
    </span>
  );
}

export function CooldownCell({ agent }: { agent: AgentRow }) {
  return agent.cooldownUntil ? <CooldownTimer until={agent.cooldownUntil} durationMs={AGENT_COOLDOWN_MS} /> : null;
}

export function LastRotationCell({ agent }: { agent: AgentRow }) {
  return agent.rotatedKeyTail ? <>agent_…{agent.rotatedKeyTail}</> : null;
}

export function SelectCell({ agent, handlers, selected }: CellProps) {
  return (
    <input
      type="checkbox"
      className="size-4 align-middle"
      aria-label={`Select ${agent.name}`}
      checked={selected}
      onChange={() => handlers.onToggle(agent)}
      // Incident mode is loaded on first use: about to tick a box is about to use it.
      onPointerEnter={incidentMode.load}
      onFocus={incidentMode.load}
    />
  );
}

function SelectAllHeader({ rowCount, allMatching, toggleAllMatching }: HeaderContext) {
  return (
    <input
      type="checkbox"
      className="size-4 align-middle"
      aria-label={`Select all ${rowCount.toLocaleString("en")} matching`}
      checked={allMatching}
      onChange={toggleAllMatching}
      onPointerEnter={incidentMode.load}
      onFocus={incidentMode.load}
    />
  );
}

export function RowActionsCell({ agent, handlers }: Omit<CellProps, "selected">) {
  return (
    <div className="flex items-center justify-end gap-1">
      {/* prefetch off: a 10,000-row table must not prefetch a page per visible row. */}
      <Link
        href={`/agents/${agent.id}/keys`}
        prefetch={false}
        aria-label={`Key history for ${agent.name}`}
        className="mr-2 text-sm text-blue-700 underline-offset-2 hover:underline"
      >
        History
      </Link>
      <Button variant="secondary" onClick={() => handlers.onRotate(agent)} aria-label={`Rotate key for ${agent.name}`}>
        Rotate key
      </Button>
      <RowActions agent={agent} onAction={handlers.onAction} />
    </div>
  );
}

/** "Host connected": the machine that receives this agent's keys sealed, and when it last asked for them. */
export function HostConnected({ host }: { host: AgentHostSummary }) {
  return (
    <span className="block truncate text-xs font-normal text-emerald-800" title={`Host connected: ${host.name}`}>
      Host connected: {host.name}
      {host.lastSeenAt !== null && <>, seen {formatUtcTime(host.lastSeenAt, { seconds: true })}</>}
      {host.waitingEnvelopes > 0 && <>, {host.waitingEnvelopes} waiting</>}
    </span>
  );
}

/** The timer and, while it runs, the tail of the key that started it: both belong to one rotation. */
function CooldownAndKeyCell({ agent }: { agent: AgentRow }) {
  return (
    <div className="flex flex-col gap-0.5">
      <CooldownCell agent={agent} />
      {agent.rotatedKeyTail && (
        <span className="font-mono text-xs text-slate-700">
          <LastRotationCell agent={agent} />
        </span>
      )}
    </div>
  );
}

/**
 * Widths: every column but the name is as narrow as its content allows, so the name gets the
 * rest (at 1280 px about 12rem, up to three lines in a row's height: 40 characters show whole).
 * A longer name is cut after three lines and shows in full on hover (the row header's title), while anything in its
 * row has focus, and always in the row header's accessible name.
 */
export const AGENT_COLUMNS: readonly AgentColumn[] = [
  {
    key: "select",
    header: SelectAllHeader,
    width: "w-12",
    headerClass: "pl-4 pr-0",
    cellClass: "pl-4",
    Cell: SelectCell,
  },
  {
    key: "name",
    header: "Name",
    cellClass: "px-3 font-medium text-slate-900",
    rowHeader: true,
    // Focus anywhere in the row (its checkbox, link or buttons) unclamps the name over the next row.
    Cell: ({ agent }) => (
      <>
        <span className="line-clamp-3 break-words leading-[18px] group-focus-within:relative group-focus-within:z-10 group-focus-within:line-clamp-none group-focus-within:bg-white">
          {agent.name}
        </span>
        {agent.host && <HostConnected host={agent.host} />}
      </>
    ),
  },
  {
    key: "id",
    header: "ID",
    width: "w-16",
    cellClass: "px-3 tabular-nums text-slate-600",
    Cell: ({ agent }) => agent.id,
  },
  {
    key: "balance",
    header: "Balance",
    width: "w-32",
    headerClass: "text-right",
    cellClass: "px-3 text-right tabular-nums",
    Cell: ({ agent }) => formatSats(agent.balanceSats),
  },
  { key: "state", header: "State", width: "w-24", cellClass: "px-3", Cell: StateBadge },
  { key: "key-age", header: "Key age", width: "w-24", cellClass: "px-3 text-slate-700", Cell: KeyAgeCell },
  { key: "flags", header: "Flags", width: "w-48", cellClass: "px-3", Cell: FlagList },
  { key: "cooldown", header: "Cooldown", width: "w-44", cellClass: "px-3", Cell: CooldownAndKeyCell },
  {
    key: "actions",
    header: <span className="sr-only">Actions</span>,
    width: "w-60",
    cellClass: "px-4 text-right",
    Cell: RowActionsCell,
  },
];
