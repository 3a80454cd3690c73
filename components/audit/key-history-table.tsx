import { OUTCOME_LABELS, type AuditEntry } from "@/lib/audit/audit-entry";
import { formatAuditAction, formatUtcMoment } from "./format-audit";

type KeyHistoryTableProps = { agentName: string; entries: AuditEntry[]; currentId: string | null };

/** Every key an agent has had (its rotations, newest first), with the one in use marked. */
export function KeyHistoryTable({ agentName, entries, currentId }: KeyHistoryTableProps) {
  if (entries.length === 0) {
    return (
      <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-700">
        No key of {agentName} was rotated from this console yet.
      </p>
    );
  }
  return (
    <div className="overflow-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full min-w-[48rem] table-fixed border-collapse text-left text-sm">
        <caption className="sr-only">Keys of {agentName}, newest first</caption>
        <colgroup>
          <col className="w-52" />
          <col className="w-48" />
          <col className="w-40" />
          <col className="w-28" />
          <col />
        </colgroup>
        <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-600">
          <tr>
            <th scope="col" className="px-3 py-3">
              When
            </th>
            <th scope="col" className="px-3 py-3">
              Key
            </th>
            <th scope="col" className="px-3 py-3">
              Outcome
            </th>
            <th scope="col" className="px-3 py-3">
              Session
            </th>
            <th scope="col" className="px-3 py-3">
              Event
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const current = entry.id === currentId;
            return (
              <tr
                key={entry.id}
                className={`h-[45px] border-t border-slate-100 ${current ? "bg-emerald-50" : ""}`}
                aria-current={current ? "true" : undefined}
              >
                <td className="px-3 tabular-nums">{formatUtcMoment(entry.finishedAt ?? entry.at)}</td>
                <th scope="row" className="px-3 font-mono text-xs font-normal">
                  {entry.keyLabel ?? <span className="font-sans text-slate-500">no new key</span>}
                  {current && (
                    <span className="ml-2 rounded-full bg-emerald-100 px-2 py-0.5 font-sans text-xs font-medium text-emerald-900">
                      current key
                    </span>
                  )}
                </th>
                <td className="px-3">
                  {OUTCOME_LABELS[entry.outcome]}
                  {entry.refusal && (
                    <span className="ml-2 text-xs text-slate-600">{entry.refusal.replaceAll("_", " ")}</span>
                  )}
                </td>
                <td className="px-3 font-mono text-xs">{entry.sessionLabel ?? ""}</td>
                <td className="truncate px-3 text-xs text-slate-600">
                  {formatAuditAction(entry.action)} · {entry.clientAddress ?? "unknown address"}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
