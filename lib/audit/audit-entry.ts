import type { AuditAction } from "./audit-vocabulary";

/**
 * One logical event as the /audit page, key history and CSV show it: a one-shot row, or a
 * pending row joined with its completion. `outcome` is what a reader should see: a pending
 * row older than any faucet call can last (its console died mid-call) reads "unknown".
 */
export type AuditDisplayOutcome = "ok" | "refused" | "unknown" | "key_missing" | "pending";

export type AuditEntry = {
  id: string;
  /** Keyset cursor: entries come newest first by seq. */
  seq: number;
  /** Epoch ms when the event began (or happened). */
  at: number;
  /** Epoch ms when its outcome was recorded, or null (one-shot, or never completed). */
  finishedAt: number | null;
  operatorId: number | null;
  action: AuditAction;
  target: string;
  /** The agent's name when the event was recorded, or null (unknown then, or not an agent's event). */
  agentName: string | null;
  outcome: AuditDisplayOutcome;
  /** True for a pending row that was never completed. */
  neverCompleted: boolean;
  refusal: string | null;
  keyLabel: string | null;
  sessionLabel: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  instanceId: string;
  batchId: string | null;
};

/** Rows per page of the /audit list (the first comes with the page, the rest from /audit/events). */
export const AUDIT_PAGE_SIZE = 100;

export type AuditPage = { entries: AuditEntry[]; nextCursor: number | null };

export const OUTCOME_LABELS: Record<AuditDisplayOutcome, string> = {
  ok: "ok",
  refused: "refused",
  unknown: "unknown",
  key_missing: "key missing",
  pending: "pending",
};
