import type { AuditEntry } from "./audit-entry";

export const AUDIT_CSV_COLUMNS = [
  "time_utc",
  "finished_utc",
  "operator_id",
  "action",
  "target",
  "outcome",
  "never_completed",
  "refusal",
  "key_fingerprint",
  "session",
  "client_address",
  "user_agent",
  "instance_id",
  "batch_id",
  "event_id",
] as const;

/**
 * One CSV field (RFC 4180). A field a spreadsheet would run as a formula (=, +, -, @, tab,
 * CR) gets a leading apostrophe: the user agent and the like are the client's own words.
 */
export function csvField(value: string | number | boolean | null): string {
  if (value === null) return "";
  let text = String(value);
  if (typeof value === "string" && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
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
    entry.outcome,
    entry.neverCompleted,
    entry.refusal,
    entry.keyFingerprint,
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
