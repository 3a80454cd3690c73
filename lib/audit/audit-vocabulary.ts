/**
 * The audit log's words, shared by the recorder, the /audit page's filters and the CSV.
 * Stable: they are stored, hashed into the chain and used in URLs.
 */
export const AUDIT_ACTIONS = [
  "sign_in",
  "sign_out",
  "sign_out_everywhere",
  "rotate_agent_key",
  "rotate_operator_key",
  "create_agent",
  "deactivate_agent",
  "reactivate_agent",
  "set_budget",
  "sweep_agent",
  "fund_agent",
  "delete_agent",
  /** Hand-offs (lib/handoff/): made, collected or refused (wrong_token, expired, locked, replayed, revoked), expired, revoked. */
  "create_handoff",
  "redeem_handoff",
  "expire_handoff",
  "revoke_handoff",
  /** Agent hosts (lib/hosts/): enrolled, disconnected; a key sealed to one, fetched by it, acknowledged (then deleted). */
  "enrol_host",
  "disconnect_host",
  "create_host_envelope",
  "fetch_host_envelope",
  "ack_host_envelope",
  /** Rotation policies (lib/policies/): set or cleared by a person; a run (its rotation is a rotate_agent_key from session "policy"); skipped for want of a host. */
  "set_rotation_policy",
  "clear_rotation_policy",
  "policy_run",
  "policy_skipped",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** What a finished event became. A `pending` row with no completion is an attempt whose console died mid-call. */
export const AUDIT_OUTCOMES = ["ok", "refused", "outcome_unknown", "key_missing"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
export type StoredAuditOutcome = AuditOutcome | "pending";

export type AuditTarget = `agent:${number}` | "operator";

/** The chain of a row: one per operator, and one for refused sign-ins that named no operator. */
export type AuditChainName = `operator:${number}` | "anonymous";

export function chainOf(operatorId: number | null): AuditChainName {
  return operatorId === null ? "anonymous" : `operator:${operatorId}`;
}

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}
