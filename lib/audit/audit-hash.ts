import { createHash } from "node:crypto";

/** The prev_hash of a chain's first row. */
export const GENESIS_HASH = "0".repeat(64);

/** Every stored field of an audit row that its hash covers (all of them but `seq` and `hash`). */
export type HashedAuditFields = {
  id: string;
  chain: string;
  position: number;
  at: Date;
  operatorId: number | null;
  action: string;
  target: string;
  outcome: string;
  refusal: string | null;
  keyFingerprint: string | null;
  sessionLabel: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  instanceId: string;
  batchId: string | null;
  completes: string | null;
  prevHash: string;
};

/**
 * The canonical serialisation: a JSON array in a fixed field order, times as epoch ms (the
 * store keeps microseconds, the app writes whole milliseconds, so a row read back hashes the
 * same). A JSON array, not a joined string, so no field's content can forge a separator.
 * Changing this breaks every stored chain: add a version instead.
 */
export function canonicalAuditFields(row: HashedAuditFields): string {
  return JSON.stringify([
    1,
    row.id,
    row.chain,
    row.position,
    row.at.getTime(),
    row.operatorId,
    row.action,
    row.target,
    row.outcome,
    row.refusal,
    row.keyFingerprint,
    row.sessionLabel,
    row.clientAddress,
    row.userAgent,
    row.instanceId,
    row.batchId,
    row.completes,
    row.prevHash,
  ]);
}

export function auditRowHash(row: HashedAuditFields): string {
  return createHash("sha256").update(canonicalAuditFields(row)).digest("hex");
}
