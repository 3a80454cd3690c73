"use client";

import { useVirtualizer } from "@tanstack/react-virtual";
import { memo, useEffect, useRef } from "react";
import type { AgentRow } from "@/lib/agents/agents-view";
import { FlagList, KeyAgeCell } from "./agent-flags";
import {
  AGENT_COLUMNS,
  CooldownCell,
  LastRotationCell,
  RowActionsCell,
  SelectCell,
  StateBadge,
  type RowHandlers,
} from "./agent-cells";
import { formatSats } from "./format-sats";
import { useNarrowScreen } from "./use-narrow-screen";

const ROW_HEIGHT = 57;
/**
 * While the list scrolls, the rows in view are reported (and their pages fetched) at most this
 * often; once it stops, at once. A fling through 10,000 agents would otherwise ask the server
 * for each of the 100 pages it passes, and the page it stops on would wait behind them.
 */
const SCROLLING_RANGE_REPORT_MS = 400;
/** A phone's card: name and state, id, key age and balance, flags, timer, buttons. Fixed, like a row. */
const CARD_HEIGHT = 196;

/** Incident mode's selection, as the table shows it: a checkbox per row and one for "all matching". */
export type TableSelection = {
  isSelected: (agentId: number) => boolean;
  allMatching: boolean;
  toggleAllMatching: () => void;
};

type AgentsTableProps = RowHandlers & {
  rowCount: number;
  rowAt: (index: number) => AgentRow | undefined;
  onVisibleRangeChange: (first: number, last: number) => void;
  selection: TableSelection;
};

/**
 * The agents, virtualised: only the rows in view (plus a small overscan) are in the DOM,
 * with spacers standing in for the rest, so 10,000 agents scroll as lightly as 10. A wide
 * screen gets a real <table> (screen readers keep table semantics); a phone gets a list of
 * cards with the same cells, so nothing needs horizontal scrolling.
 */
export function AgentsTable(props: AgentsTableProps) {
  const narrow = useNarrowScreen();
  // A new layout gets a fresh virtualiser: the item height differs.
  return narrow ? <AgentCards key="cards" {...props} /> : <AgentRows key="rows" {...props} />;
}

function useAgentVirtualizer({ rowCount, onVisibleRangeChange }: AgentsTableProps, itemHeight: number) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scroller.current,
    estimateSize: () => itemHeight,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items.at(-1)?.index ?? 0;
  const { isScrolling } = virtualizer;
  const lastReportAt = useRef(0);
  useEffect(() => {
    const report = () => {
      lastReportAt.current = Date.now();
      onVisibleRangeChange(firstIndex, lastIndex);
    };
    if (!isScrolling) return report();
    const timer = setTimeout(report, Math.max(0, lastReportAt.current + SCROLLING_RANGE_REPORT_MS - Date.now()));
    return () => clearTimeout(timer);
  }, [firstIndex, lastIndex, isScrolling, onVisibleRangeChange]);
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0);
  return { scroller, items, paddingTop, paddingBottom };
}

function AgentRows(props: AgentsTableProps) {
  const { scroller, items, paddingTop, paddingBottom } = useAgentVirtualizer(props, ROW_HEIGHT);
  return (
    <div
      ref={scroller}
      className="max-h-[70vh] overflow-auto rounded-lg border border-slate-200 bg-white"
      data-testid="agents-scroller"
    >
      {/* Fixed column widths: a timer or key tail appearing in one row must not shift every column. */}
      <table className="w-full min-w-[72rem] table-fixed border-collapse text-left text-sm">
        <caption className="sr-only">Agents of this operator</caption>
        <colgroup>
          {AGENT_COLUMNS.map((column) => (
            <col key={column.key} className={column.width} />
          ))}
        </colgroup>
        <thead className="sticky top-0 z-10 whitespace-nowrap bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            {AGENT_COLUMNS.map(({ key, header, headerClass }) => (
              <th key={key} scope="col" className={`px-3 py-3 ${headerClass ?? ""}`}>
                {typeof header === "function" ? header({ rowCount: props.rowCount, ...props.selection }) : header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {paddingTop > 0 && <tr aria-hidden="true" style={{ height: paddingTop }} />}
          {items.map((item) => {
            const agent = props.rowAt(item.index);
            return agent ? (
              <AgentTableRow
                key={agent.id}
                agent={agent}
                selected={props.selection.isSelected(agent.id)}
                onRotate={props.onRotate}
                onAction={props.onAction}
                onToggle={props.onToggle}
              />
            ) : (
              <tr key={`loading-${item.index}`} className="h-[57px] border-t border-slate-100" aria-busy="true">
                <td colSpan={AGENT_COLUMNS.length} className="px-4">
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

type ItemProps = { agent: AgentRow; selected: boolean } & RowHandlers;

const AgentTableRow = memo(function AgentTableRow({ agent, selected, onRotate, onAction, onToggle }: ItemProps) {
  const handlers = { onRotate, onAction, onToggle };
  return (
    <tr className="group h-[57px] border-t border-slate-100" data-agent-id={agent.id}>
      {AGENT_COLUMNS.map(({ key, rowHeader, cellClass, Cell }) =>
        rowHeader ? (
          <th key={key} scope="row" className={cellClass} title={agent.name}>
            <Cell agent={agent} handlers={handlers} selected={selected} />
          </th>
        ) : (
          <td key={key} className={cellClass}>
            <Cell agent={agent} handlers={handlers} selected={selected} />
          </td>
        ),
      )}
    </tr>
  );
});

function AgentCards(props: AgentsTableProps) {
  const { scroller, items, paddingTop, paddingBottom } = useAgentVirtualizer(props, CARD_HEIGHT);
  return (
    <div
      ref={scroller}
      className="max-h-[70vh] overflow-y-auto overflow-x-hidden rounded-lg border border-slate-200 bg-white"
      data-testid="agents-scroller"
    >
      <ul aria-label="Agents of this operator" className="text-sm">
        {paddingTop > 0 && <li aria-hidden="true" style={{ height: paddingTop }} />}
        {items.map((item) => {
          const agent = props.rowAt(item.index);
          return agent ? (
            <AgentCard
              key={agent.id}
              agent={agent}
              selected={props.selection.isSelected(agent.id)}
              onRotate={props.onRotate}
              onAction={props.onAction}
              onToggle={props.onToggle}
            />
          ) : (
            <li key={`loading-${item.index}`} className="h-[196px] border-t border-slate-100 p-4" aria-busy="true">
              <span className="block h-3 w-1/3 animate-pulse rounded bg-slate-200" />
              <span className="sr-only">Loading…</span>
            </li>
          );
        })}
        {paddingBottom > 0 && <li aria-hidden="true" style={{ height: paddingBottom }} />}
      </ul>
    </div>
  );
}

const AgentCard = memo(function AgentCard({ agent, selected, onRotate, onAction, onToggle }: ItemProps) {
  const handlers = { onRotate, onAction, onToggle };
  return (
    <li
      className="flex h-[196px] flex-col gap-1 overflow-hidden border-t border-slate-100 px-4 py-3 first:border-t-0"
      data-agent-id={agent.id}
    >
      <div className="flex min-w-0 items-center justify-between gap-2">
        <span className="flex min-w-0 items-center gap-2">
          <SelectCell agent={agent} handlers={handlers} selected={selected} />
          <span className="truncate font-medium text-slate-900" title={agent.name}>
            {agent.name}
          </span>
        </span>
        <StateBadge agent={agent} />
      </div>
      <div className="flex justify-between gap-2 text-slate-600">
        <span className="tabular-nums">
          ID {agent.id} · Key age <KeyAgeCell agent={agent} />
        </span>
        <span className="tabular-nums text-slate-900">{formatSats(agent.balanceSats)}</span>
      </div>
      <FlagList agent={agent} className="!flex-row flex-wrap gap-x-3" />
      <div className="flex min-h-6 items-center justify-between gap-2 font-mono text-xs text-slate-700">
        <CooldownCell agent={agent} />
        <LastRotationCell agent={agent} />
      </div>
      <div className="mt-auto">
        <RowActionsCell agent={agent} handlers={handlers} />
      </div>
    </li>
  );
});
