import { envInteger } from "./env-number";

/** AUDIT_RETENTION_DAYS: how long audit events are kept before retention prunes them (default a year). */
export function auditRetentionDays(env: Readonly<Record<string, string | undefined>> = process.env): number {
  return envInteger("AUDIT_RETENTION_DAYS", { fallback: 365, min: 1, max: 36_500 }, env);
}
