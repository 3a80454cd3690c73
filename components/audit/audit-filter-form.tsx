"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type { FormEvent } from "react";
import {
  AUDIT_AGENT_FILTER_MAX,
  AUDIT_OUTCOME_FILTERS,
  agentFilterText,
  type AuditFilters,
} from "@/lib/audit/audit-filters";
import { AUDIT_ACTIONS } from "@/lib/audit/audit-vocabulary";
import { buttonClass } from "@/components/ui/button";
import { formatAuditAction } from "./format-audit";

const FIELD = "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm";

/**
 * The filters are a plain GET form: they live in the URL, a reload or a shared link opens
 * the same view, and it works before any JavaScript. With JavaScript, empty fields are left
 * out of the URL and the page changes without a full reload.
 */
export function AuditFilterForm({ filters }: { filters: AuditFilters }) {
  const router = useRouter();
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const params = new URLSearchParams();
    for (const [name, value] of new FormData(event.currentTarget)) {
      if (typeof value === "string" && value.trim() !== "") params.set(name, value.trim());
    }
    const query = params.toString();
    router.push(query ? `/audit?${query}` : "/audit");
  };
  return (
    <form
      method="get"
      action="/audit"
      onSubmit={onSubmit}
      aria-label="Filter the audit log"
      className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4"
    >
      {/* One field for both: digits (or #digits) are an agent id, anything else part of its name, any case. */}
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
        Agent (name or ID)
        <input
          name="agent"
          type="search"
          spellCheck={false}
          autoComplete="off"
          maxLength={AUDIT_AGENT_FILTER_MAX}
          placeholder="Research Bot or #1"
          defaultValue={agentFilterText(filters)}
          className={`${FIELD} w-56`}
        />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
        Action
        <select name="action" defaultValue={filters.action ?? ""} className={FIELD}>
          <option value="">All actions</option>
          {AUDIT_ACTIONS.map((action) => (
            <option key={action} value={action}>
              {formatAuditAction(action)}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
        Outcome
        <select name="outcome" defaultValue={filters.outcome ?? ""} className={FIELD}>
          <option value="">All outcomes</option>
          {AUDIT_OUTCOME_FILTERS.map((outcome) => (
            <option key={outcome} value={outcome}>
              {outcome.replaceAll("_", " ")}
            </option>
          ))}
        </select>
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
        From (UTC)
        <input name="from" type="date" defaultValue={filters.from ?? ""} className={FIELD} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
        To (UTC)
        <input name="to" type="date" defaultValue={filters.to ?? ""} className={FIELD} />
      </label>
      <label className="flex flex-col gap-1 text-xs font-medium text-slate-700">
        Batch
        <input
          name="batch"
          type="text"
          spellCheck={false}
          placeholder="batch id"
          defaultValue={filters.batch ?? ""}
          className={`${FIELD} w-40 font-mono`}
        />
      </label>
      <button type="submit" className={buttonClass("primary")}>
        Apply filters
      </button>
      <Link href="/audit" className={buttonClass("ghost")}>
        Clear filters
      </Link>
    </form>
  );
}
