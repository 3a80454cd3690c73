"use client";

import { useEffect, useState } from "react";
import { FILTERS, type AgentsViewState } from "@/lib/agents/agents-view";

type AgentsToolbarProps = {
  view: AgentsViewState;
  onChange: (view: AgentsViewState) => void;
  matching: number;
  total: number;
  needsAttention: number;
};

const FILTER_LABELS: Record<AgentsViewState["filter"], string> = {
  all: "All agents",
  active: "Active",
  inactive: "Inactive",
  cooldown: "In cooldown",
  attention: "Needs attention",
  "past-policy": "Keys past their policy",
};

const SORT_LABELS: Record<string, string> = {
  "name:asc": "Name (A–Z)",
  "name:desc": "Name (Z–A)",
  "balance:desc": "Balance (highest first)",
  "balance:asc": "Balance (lowest first)",
  "cooldown:desc": "Cooldown (longest first)",
  "cooldown:asc": "Cooldown (shortest first)",
  "key-age:desc": "Key age (oldest first)",
  "key-age:asc": "Key age (newest first)",
};

const SEARCH_DELAY_MS = 250;

export function AgentsToolbar({ view, onChange, matching, total, needsAttention }: AgentsToolbarProps) {
  const [search, setSearch] = useState(view.q);
  useEffect(() => {
    if (search === view.q) return;
    const timer = setTimeout(() => onChange({ ...view, q: search }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [search, view, onChange]);

  return (
    <div className="flex flex-wrap items-end gap-4">
      <label className="flex flex-col gap-1 text-sm text-slate-700">
        Search agents
        <input
          type="search"
          value={search}
          maxLength={100}
          onChange={(event) => setSearch(event.target.value)}
          placeholder="Name or id"
          className="w-64 rounded-md border border-slate-300 px-3 py-2 text-sm"
        />
      </label>
      <label className="flex flex-col gap-1 text-sm text-slate-700">
        Sort by
        <select
          value={`${view.sort}:${view.dir}`}
          onChange={(event) => {
            const [sort, dir] = event.target.value.split(":") as [AgentsViewState["sort"], AgentsViewState["dir"]];
            onChange({ ...view, sort, dir });
          }}
          className="rounded-md border border-slate-300 px-3 py-2 text-sm"
        >
          {Object.entries(SORT_LABELS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-sm text-slate-700">
        Show
        <select
          value={view.filter}
          onChange={(event) => onChange({ ...view, filter: event.target.value as AgentsViewState["filter"] })}
          className="rounded-md border border-slate-300 px-3 py-2 text-sm"
        >
          {FILTERS.map((filter) => (
            <option key={filter} value={filter}>
              {filter === "attention"
                ? `${FILTER_LABELS[filter]} (${needsAttention.toLocaleString("en-US")})`
                : FILTER_LABELS[filter]}
            </option>
          ))}
        </select>
      </label>
      <p role="status" className="pb-2 text-sm text-slate-600">
        {matching === total
          ? `${total.toLocaleString("en-US")} agents`
          : `${matching.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} agents`}
      </p>
    </div>
  );
}
