import { createHash, createHmac } from "node:crypto";
import type { AuditKey, AuditKeyring } from "./audit-keys";

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
  /** The agent's name when the event was recorded; null when unknown or no agent (rows before names: null). */
  agentName: string | null;
  outcome: string;
  refusal: string | null;
  keyLabel: string | null;
  sessionLabel: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  instanceId: string;
  batchId: string | null;
  completes: string | null;
  prevHash: string;
  /** The audit key the row's hash was made with; null for a row written before audit keys (plain SHA-256). */
  keyId: string | null;
};

/**
 * The canonical serialisation: a JSON array in a fixed field order, times as epoch ms (the
 * store keeps microseconds, the app writes whole milliseconds, so a row read back hashes the
 * same). A JSON array, not a joined string, so no field's content can forge a separator.
 * Changing this breaks every stored chain: add a version instead. Version 1 is the unkeyed
 * rows' (plain SHA-256); version 2, the keyed rows', also covers the key id; version 3 also
 * covers the agent's name, last. A row without a name keeps version 1 or 2, so every row
 * written before names verifies as it did; a name added to such a row, or removed from a
 * version 3 row, changes the version and so the hash.
 */
export function canonicalAuditFields(row: HashedAuditFields): string {
  const named = row.agentName !== null;
  return JSON.stringify([
    ...(named ? [3, row.keyId] : row.keyId === null ? [1] : [2, row.keyId]),
    row.id,
    row.chain,
    row.position,
    row.at.getTime(),
    row.operatorId,
    row.action,
    row.target,
    row.outcome,
    row.refusal,
    row.keyLabel,
    row.sessionLabel,
    row.clientAddress,
    row.userAgent,
    row.instanceId,
    row.batchId,
    row.completes,
    row.prevHash,
    ...(named ? [row.agentName] : []),
  ]);
}

/** A row's hash under `key`: HMAC-SHA256, so nobody without the audit key can make a row that verifies. */
export function keyedAuditRowHash(
  row: Omit<HashedAuditFields, "keyId">,
  key: AuditKey,
): { keyId: string; hash: string } {
  return {
    keyId: key.id,
    hash: createHmac("sha256", key.mac)
      .update(canonicalAuditFields({ ...row, keyId: key.id }))
      .digest("hex"),
  };
}

/** The hash of a row written before audit keys (version 1): anyone can recompute it. */
export function unkeyedAuditRowHash(row: HashedAuditFields): string {
  return createHash("sha256")
    .update(canonicalAuditFields({ ...row, keyId: null }))
    .digest("hex");
}

export class UnknownAuditKeyError extends Error {
  constructor(readonly keyId: string) {
    super(
      `audit key ${keyId} is not configured (was AUDIT_KEY or SESSION_SECRET rotated without keeping the old entry in its map?)`,
    );
    this.name = "UnknownAuditKeyError";
  }
}

/** The hash a stored row should have: by its own key id, or plain SHA-256 for an unkeyed row. */
export function expectedAuditRowHash(row: HashedAuditFields, keyring: AuditKeyring): string {
  if (row.keyId === null) return unkeyedAuditRowHash(row);
  const key = keyring.byId.get(row.keyId);
  if (!key) throw new UnknownAuditKeyError(row.keyId);
  return keyedAuditRowHash(row, key).hash;
}

/** Retention's anchor, MACed with the audit key: only the console's own pruning can move it. */
export type AuditAnchor = { chain: string; position: number; hash: string; before: Date; anchoredAt: Date };

export function auditAnchorMac(anchor: AuditAnchor, key: AuditKey): string {
  const canonical = JSON.stringify([
    "anchor",
    1,
    key.id,
    anchor.chain,
    anchor.position,
    anchor.hash,
    anchor.before.getTime(),
    anchor.anchoredAt.getTime(),
  ]);
  return createHmac("sha256", key.mac).update(canonical).digest("hex");
}
