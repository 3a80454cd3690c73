import type { AuditEntry } from "./audit-entry";

export const AUDIT_CSV_COLUMNS = [
  "time_utc",
  "finished_utc",
  "operator_id",
  "action",
  "target",
  "agent_name",
  "outcome",
  "never_completed",
  "refusal",
  "key_label",
  "session",
  "client_address",
  "user_agent",
  "instance_id",
  "batch_id",
  "event_id",
] as const;

/** What a spreadsheet runs as a formula when it opens a cell, or a part of one split at `;` or `|`. */
const FORMULA_TRIGGER = /(^|[;|])(?=[=+\-@\t\r])/g;

/**
 * One CSV field (RFC 4180). Every text field is quoted, whatever it holds: the user agent and
 * the like are the client's own words, and a bare field is read by some spreadsheets as a
 * formula or split at `;`. A formula trigger (= + - @ tab CR) at the start of the field, or
 * right after a `;` or `|` (where a spreadsheet splitting on them would start a cell), gets
 * an apostrophe before it. Numbers and booleans are ours and stay bare; null is empty.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  if (typeof value !== "string") return String(value);
  return `"${value.replace(FORMULA_TRIGGER, "$1'").replaceAll('"', '""')}"`;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function auditCsvHeader(): string {
  return `${AUDIT_CSV_COLUMNS.join(",")}\r\n`;
}

export function auditCsvRow(entry: AuditEntry): string {
  return `${[
    iso(entry.at),
    iso(entry.finishedAt),
    entry.operatorId,
    entry.action,
    entry.target,
    entry.agentName,
    entry.outcome,
    entry.neverCompleted,
    entry.refusal,
    entry.keyLabel,
    entry.sessionLabel,
    entry.clientAddress,
    entry.userAgent,
    entry.instanceId,
    entry.batchId,
    entry.id,
  ]
    .map(csvField)
    .join(",")}\r\n`;
}
