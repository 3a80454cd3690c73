"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import Link from "next/link";
import { useEffect, useRef } from "react";
import type { AgentRow } from "@/lib/agents/agents-view";
import { CooldownTimer } from "@/components/time/cooldown-timer";
import { Button } from "@/components/ui/button";
import { AGENT_COOLDOWN_MS } from "@/lib/keys/cooldowns";
import { formatSats } from "./format-sats";

const ROW_HEIGHT = 57;

/** Incident mode's selection, as the table shows it: a checkbox per row and one for "all matching". */
export type TableSelection = {
  isSelected: (agentId: number) => boolean;
  toggle: (agent: AgentRow) => void;
  allMatching: boolean;
  toggleAllMatching: () => void;
};

type AgentsTableProps = {
  rowCount: number;
  rowAt: (index: number) => AgentRow | undefined;
  onVisibleRangeChange: (first: number, last: number) => void;
  onRotate: (agent: AgentRow) => void;
  selection: TableSelection;
};

/**
 * A real <table> whose body is virtualised: only the rows in view (plus a small overscan)
 * are in the DOM, with spacer rows standing in for the rest, so 10,000 agents scroll as
 * lightly as 10 and screen readers still get table semantics.
 */
export function AgentsTable({ rowCount, rowAt, onVisibleRangeChange, onRotate, selection }: AgentsTableProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items.at(-1)?.index ?? 0;
  useEffect(() => onVisibleRangeChange(firstIndex, lastIndex), [firstIndex, lastIndex, onVisibleRangeChange]);

  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);

  return (
    <div ref={scroller} className="max-h-[70vh] overflow-auto rounded-lg border border-slate-200 bg-white" data-testid="agents-scroller">
      {/* Fixed column widths: a timer or fingerprint appearing in one row must not shift every column. */}
      <table className="w-full min-w-[68rem] table-fixed border-collapse text-left text-sm">
        <caption className="sr-only">Agents of this operator</caption>
        <colgroup>
          <col className="w-12" />
          <col />
          <col className="w-24" />
          <col className="w-36" />
          <col className="w-28" />
          <col className="w-56" />
          <col className="w-36" />
          <col className="w-48" />
        </colgroup>
        <thead className="sticky top-0 z-10 whitespace-nowrap bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="pl-4">
              <input
                type="checkbox"
                className="size-4 align-middle"
                aria-label={`Select all ${rowCount.toLocaleString("en")} matching`}
                checked={selection.allMatching}
                onChange={selection.toggleAllMatching}
              />
            </th>
            <th scope="col" className="px-4 py-3">Name</th>
            <th scope="col" className="px-4 py-3">ID</th>
            <th scope="col" className="px-4 py-3 text-right">Balance</th>
            <th scope="col" className="px-4 py-3">State</th>
            <th scope="col" className="px-4 py-3">Cooldown</th>
            <th scope="col" className="px-4 py-3">Last rotation</th>
            <th scope="col" className="px-4 py-3"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 && <tr aria-hidden="true" style={{ height: paddingTop }} />}
          {items.map((item) => {
            const agent = rowAt(item.index);
            return agent ? (
              <AgentTableRow key={agent.id} agent={agent} onRotate={onRotate} selected={selection.isSelected(agent.id)} onToggle={selection.toggle} />
            ) : (
              <tr key={`loading-${item.index}`} className="h-[57px] border-t border-slate-100" aria-busy="true">
                <td colSpan={8} className="px-4">
                  <span className="block h-3 w-1/3 animate-pulse rounded bg-slate-200" />
                  <span className="sr-only">Loading…</span>
                </td>
              </tr>
            );
          })}
          {paddingBottom > 0 && <tr aria-hidden="true" style={{ height: paddingBottom }} />}
        </tbody>
      </table>
    </div>
  );
}

type AgentTableRowProps = { agent: AgentRow; onRotate: (agent: AgentRow) => void; selected: boolean; onToggle: (agent: AgentRow) => void };

function AgentTableRow({ agent, onRotate, selected, onToggle }: AgentTableRowProps) {
  return (
    <tr className="h-[57px] border-t border-slate-100" data-agent-id={agent.id}>
      <td className="pl-4">
        <input type="checkbox" className="size-4 align-middle" aria-label={`Select ${agent.name}`} checked={selected} onChange={() => onToggle(agent)} />
      </td>
      <th scope="row" className="truncate px-4 font-medium text-slate-900" title={agent.name}>
        {agent.name}
      </th>
      <td className="px-4 tabular-nums text-slate-600">{agent.id}</td>
      <td className="px-4 text-right tabular-nums">{formatSats(agent.balanceSats)}</td>
      <td className="px-4">
        <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${agent.isActive ? "bg-emerald-100 text-emerald-900" : "bg-slate-200 text-slate-700"}`}>
          {agent.isActive ? "Active" : "Inactive"}
        </span>
      </td>
      <td className="px-4">{agent.cooldownUntil && <CooldownTimer until={agent.cooldownUntil} durationMs={AGENT_COOLDOWN_MS} />}</td>
      <td className="px-4 font-mono text-xs text-slate-700">{agent.rotatedKeyFingerprint ? `agent_…${agent.rotatedKeyFingerprint}` : ""}</td>
      <td className="whitespace-nowrap px-4 text-right">
        {/* prefetch off: a 10,000-row table must not prefetch a page per visible row. */}
        <Link href={`/agents/${agent.id}/keys`} prefetch={false} aria-label={`Key history for ${agent.name}`} className="mr-3 text-sm text-blue-700 underline-offset-2 hover:underline">
          History
        </Link>
        <Button variant="secondary" onClick={() => onRotate(agent)} aria-label={`Rotate key for ${agent.name}`}>
          Rotate key
        </Button>
      </td>
    </tr>
  );
}
