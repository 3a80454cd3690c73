import { sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  varchar,
} from "drizzle-orm/pg-core";

/**
 * The one source of truth for the console's tables, on both engines (PGlite, PostgreSQL).
 * Migrations are generated from this file by drizzle-kit and checked in beside it.
 *
 * No column ever holds a faucet key in the clear: the operator key is sealed under a
 * per-session key that only the session cookie carries, and rotations keep key labels.
 */

const moment = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/** One row per signed-in browser session. */
export const sessions = pgTable(
  "sessions",
  {
    /** 128 random bits, base64url; the cookie carries it, next to the per-session key. */
    id: text("id").primaryKey(),
    operatorId: integer("operator_id").notNull(),
    operatorName: text("operator_name").notNull(),
    /** AES-256-GCM (iv | tag | ciphertext, base64url) under the per-session key; null once the session ended. */
    sealedOperatorKey: text("sealed_operator_key"),
    /** prefix…last4 of the current operator key: shown on screen, never enough to use. */
    operatorKeyTail: text("operator_key_tail").notNull(),
    createdAt: moment("created_at").notNull(),
    lastSeenAt: moment("last_seen_at").notNull(),
    /** Set when the session was ended by something other than its own sign-out, which deletes the row. */
    endedAt: moment("ended_at"),
    /** Why it ended, for the sign-in page: signed_out_everywhere | operator_key_rotated | key_invalid. */
    endReason: text("end_reason"),
  },
  (table) => [index("sessions_operator_idx").on(table.operatorId)],
);

/**
 * Every rotation attempt, written before the faucet call and finished after it. It is both
 * the guard shared by every instance ("rotated elsewhere") and the record behind the timers.
 */
export const keyRotations = pgTable(
  "key_rotations",
  {
    /** The attempt id; after "outcome unknown" the browser sends it back with "Rotate again". */
    id: uuid("id").primaryKey(),
    operatorId: integer("operator_id").notNull(),
    /** "agent:<id>" or "operator". */
    target: text("target").notNull(),
    /** A short, one-way label of the session that confirmed (never the session id itself). */
    sessionLabel: text("session_label").notNull(),
    instanceId: text("instance_id").notNull(),
    /** pending | committed | outcome_unknown | refused | key_missing */
    status: text("status").notNull(),
    startedAt: moment("started_at").notNull(),
    finishedAt: moment("finished_at"),
    keyLabel: text("key_label"),
    cooldownUntil: moment("cooldown_until"),
  },
  (table) => [index("key_rotations_target_idx").on(table.operatorId, table.target, table.startedAt)],
);

/** rate-limiter-flexible's own table shape (its Postgres store, with tableCreated: true). */
export const rateLimits = pgTable("rate_limits", {
  key: varchar("key", { length: 255 }).primaryKey(),
  points: integer("points").notNull().default(0),
  expire: bigint("expire", { mode: "number" }),
});

/**
 * The audit log: every state-changing attempt, append-only. A faucet call writes a `pending`
 * row first and a second row (`completes` = the pending row's id) with its outcome after;
 * one-shot events (sign-in, sign-out) are one row. No row is ever updated by the app.
 *
 * Each row belongs to one chain ("operator:<id>", or "anonymous" for refused sign-ins with no
 * known operator) at a gap-free `position`, and stores the HMAC-SHA256 (under the audit key,
 * which is not in the database) of its own canonical fields and of the previous row of its
 * chain (lib/audit/audit-hash.ts), so an edited, deleted or reordered row breaks the chain
 * that `npm run audit:verify` walks; signed checkpoints outside the store catch a cut tail.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    id: uuid("id").primaryKey(),
    /** Insertion order across all chains: the keyset of the /audit list and the CSV export. */
    seq: bigserial("seq", { mode: "number" }).notNull(),
    chain: text("chain").notNull(),
    position: bigint("position", { mode: "number" }).notNull(),
    at: moment("at").notNull(),
    /** Null only for a refused sign-in whose key named no operator. */
    operatorId: integer("operator_id"),
    /** sign_in | sign_out | sign_out_everywhere | rotate_agent_key | rotate_operator_key | create_agent | … */
    action: text("action").notNull(),
    /** "agent:<id>" or "operator". */
    target: text("target").notNull(),
    /**
     * The agent's name as the console knew it when the event was recorded (a renamed or deleted
     * agent keeps it in its old events); null when it knew none, or the target is no agent.
     */
    agentName: text("agent_name"),
    /** pending | ok | refused | outcome_unknown | key_missing */
    outcome: text("outcome").notNull(),
    /** With "refused": why (the refusal's kind: rate_limited, invalid_key, rotated_elsewhere, …). */
    refusal: text("refusal"),
    /** prefix…last4 of the key the event produced; never the key. */
    keyLabel: text("key_label"),
    sessionLabel: text("session_label"),
    clientAddress: text("client_address"),
    userAgent: text("user_agent"),
    instanceId: text("instance_id").notNull(),
    /** Incident mode's bulk runs: every event of one run shares it. */
    batchId: uuid("batch_id"),
    /** On a completion row: the pending row it completes (at most one completion each). */
    completes: uuid("completes"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
    /** The audit key of `hash` (HMAC-SHA256); null for a row written before audit keys (plain SHA-256). */
    keyId: text("key_id"),
  },
  (table) => [
    uniqueIndex("audit_events_chain_position_idx").on(table.chain, table.position),
    uniqueIndex("audit_events_completes_idx").on(table.completes),
    uniqueIndex("audit_events_seq_idx").on(table.seq),
    index("audit_events_operator_seq_idx")
      .on(table.operatorId, table.seq.desc())
      .where(sql`${table.completes} is null`),
    index("audit_events_operator_target_idx").on(table.operatorId, table.target, table.seq.desc()),
    index("audit_events_at_idx").on(table.at),
  ],
);

/**
 * One row per audit chain: its head (the last appended row, so a deleted tail is noticed)
 * and, once retention pruned its oldest rows, its anchor (the position and hash of the last
 * pruned row, where the retained chain begins).
 */
export const auditChains = pgTable("audit_chains", {
  chain: text("chain").primaryKey(),
  headPosition: bigint("head_position", { mode: "number" }).notNull(),
  headHash: text("head_hash").notNull(),
  anchorPosition: bigint("anchor_position", { mode: "number" }).notNull().default(0),
  anchorHash: text("anchor_hash"),
  anchoredAt: moment("anchored_at"),
  /** The cut-off retention pruned before (events older than it went). */
  anchorBefore: moment("anchor_before"),
  /** HMAC of the anchor under the audit key `anchor_key_id`: null for an anchor set before audit keys. */
  anchorKeyId: text("anchor_key_id"),
  anchorMac: text("anchor_mac"),
});

/**
 * Incident mode's bulk runs, issued by the server when a run starts (POST /api/bulk/runs). Only
 * a live run of the calling operator opens the bulk budget (RATE_LIMIT_BULK_CALLS) on
 * /api/bulk/*, and for at most `size` calls that passed the rate limit: a browser cannot mint one.
 */
export const bulkRuns = pgTable(
  "bulk_runs",
  {
    /** The batch id its audit events carry. */
    id: uuid("id").primaryKey(),
    operatorId: integer("operator_id").notNull(),
    /** rotate | deactivate */
    kind: text("kind").notNull(),
    /** How many agents the run was started for. */
    size: integer("size").notNull(),
    /** Calls made under it that passed the rate limit and were not refused by the faucet; never more than size. */
    used: integer("used").notNull().default(0),
    createdAt: moment("created_at").notNull(),
    expiresAt: moment("expires_at").notNull(),
  },
  (table) => [index("bulk_runs_operator_idx").on(table.operatorId, table.createdAt)],
);

/**
 * Hand-offs (lib/handoff/): a new agent key sealed behind a single-use, short-lived link
 * `<console>/handoff/<id>#<token>`. The token is never stored, only its SHA-256; the key is
 * AES-256-GCM under HKDF-SHA256(token, salt = id), so this table alone opens nothing. The
 * ciphertext is erased when the hand-off is redeemed, revoked, locked or found expired.
 */
export const handoffs = pgTable(
  "handoffs",
  {
    /** 128 random bits, base64url: the link's path. */
    id: text("id").primaryKey(),
    operatorId: integer("operator_id").notNull(),
    agentId: integer("agent_id").notNull(),
    agentName: text("agent_name").notNull(),
    /** What made it: "rotate:agent:<id>", "create", "bulk:<batch>". */
    origin: text("origin").notNull(),
    /**
     * The one event that produced the key: "rotation:<key_rotations.id>" (the rotation's attempt
     * id, single or in a bulk run) or "create:<audit_events.id>" (the create_agent completion).
     * Unique: a double click or a retried request cannot make two live links for one key. Null
     * only on rows made before it existed.
     */
    keySource: text("key_source"),
    /** The creating session's one-way label (never its id). */
    sessionLabel: text("session_label").notNull(),
    createdAt: moment("created_at").notNull(),
    expiresAt: moment("expires_at").notNull(),
    /** waiting | redeemed | expired | locked | revoked */
    state: text("state").notNull(),
    /** base64url(SHA-256(token)); compared in constant time. */
    tokenHash: text("token_hash").notNull(),
    /** iv | tag | ciphertext, base64url; null once redeemed, revoked, locked or expired. */
    sealedKey: text("sealed_key"),
    /** prefix…last4 of the key, for the agents page and the audit log. */
    keyLabel: text("key_label").notNull(),
    failedAttempts: integer("failed_attempts").notNull().default(0),
    redeemedAt: moment("redeemed_at"),
    redeemedAddress: text("redeemed_address"),
    redeemedUserAgent: text("redeemed_user_agent"),
    /** collected_twice | locked | expired_unredeemed: shown on the agents page until dismissed by a new hand-off. */
    alarm: text("alarm"),
    alarmAt: moment("alarm_at"),
  },
  (table) => [
    index("handoffs_operator_agent_idx").on(table.operatorId, table.agentId, table.createdAt),
    index("handoffs_expiry_idx").on(table.state, table.expiresAt),
    uniqueIndex("handoffs_key_source_idx").on(table.keySource),
    // Incident mode's sheet watches one run's hand-offs: origin "bulk:<batch>".
    index("handoffs_operator_origin_idx").on(table.operatorId, table.origin),
  ],
);

/**
 * An agent's enrolled host (issue 23): the machine that receives the agent's new keys sealed to
 * its own X25519 public key, and signs its requests with its Ed25519 key. Only public keys live
 * here; the private keys never leave the host. At most one connected host per agent.
 */
export const agentHosts = pgTable(
  "agent_hosts",
  {
    /** 128 random bits, base64url. */
    id: text("id").primaryKey(),
    operatorId: integer("operator_id").notNull(),
    agentId: integer("agent_id").notNull(),
    /** The host's own name (os.hostname() as the receiver reported it), for the agents page. */
    name: text("name").notNull(),
    /** Raw 32-byte X25519 public key, base64url: new keys are sealed to it. */
    sealingPublicKey: text("sealing_public_key").notNull(),
    /** Raw 32-byte Ed25519 public key, base64url: the host's signed requests are checked with it. */
    signingPublicKey: text("signing_public_key").notNull(),
    connectedAt: moment("connected_at").notNull(),
    lastSeenAt: moment("last_seen_at"),
    /** Set when the operator disconnects the host: it then gets nothing, and the row stays for the audit trail. */
    disconnectedAt: moment("disconnected_at"),
  },
  (table) => [
    uniqueIndex("agent_hosts_one_connected_idx")
      .on(table.operatorId, table.agentId)
      .where(sql`${table.disconnectedAt} is null`),
  ],
);

/**
 * A single-use enrolment link for an agent's host (issue 23), made by "Connect agent host": the
 * hand-off link's machinery (id in the path, 256-bit token only in the fragment, its SHA-256 here,
 * an expiry, used once). `node receive.mjs enrol '<link>'` spends it to register the host's keys.
 */
export const hostEnrolments = pgTable(
  "host_enrolments",
  {
    /** 128 random bits, base64url: the link's path. */
    id: text("id").primaryKey(),
    operatorId: integer("operator_id").notNull(),
    agentId: integer("agent_id").notNull(),
    agentName: text("agent_name").notNull(),
    sessionLabel: text("session_label").notNull(),
    createdAt: moment("created_at").notNull(),
    expiresAt: moment("expires_at").notNull(),
    /** base64url(SHA-256(token)); compared in constant time. */
    tokenHash: text("token_hash").notNull(),
    /** The host it enrolled; null while the link is unused. */
    hostId: text("host_id"),
    usedAt: moment("used_at"),
  },
  (table) => [index("host_enrolments_operator_agent_idx").on(table.operatorId, table.agentId, table.createdAt)],
);

/**
 * A new agent key sealed to its connected host's X25519 public key (issue 23): ephemeral X25519,
 * HKDF-SHA256, AES-256-GCM, the agent, rotation and host bound as associated data. Only the host's
 * private key opens it; the console keeps no plaintext. Deleted once the host acknowledges it.
 */
export const hostEnvelopes = pgTable(
  "host_envelopes",
  {
    /** 128 random bits, base64url. */
    id: text("id").primaryKey(),
    hostId: text("host_id").notNull(),
    operatorId: integer("operator_id").notNull(),
    agentId: integer("agent_id").notNull(),
    /** The key_rotations id (attempt id) or another rotation's id: bound into the seal. */
    rotationId: text("rotation_id").notNull(),
    /** What made it: "rotate:agent:<id>", "bulk:<batch>", "policy:<id>". */
    origin: text("origin").notNull(),
    createdAt: moment("created_at").notNull(),
    /** The ephemeral X25519 public key, raw 32 bytes base64url. */
    ephemeralPublicKey: text("ephemeral_public_key").notNull(),
    /** iv | tag | ciphertext, base64url. */
    sealedKey: text("sealed_key").notNull(),
    /** prefix…last4 of the key, for the audit log and the agents page. */
    keyLabel: text("key_label").notNull(),
    /** The last time the host fetched it (it stays until acknowledged). */
    fetchedAt: moment("fetched_at"),
  },
  (table) => [index("host_envelopes_host_idx").on(table.hostId, table.createdAt)],
);

/**
 * The nonces of hosts' signed requests, kept until their time can no longer be accepted, so a
 * replayed request is refused on every instance sharing the store.
 */
export const hostRequestNonces = pgTable(
  "host_request_nonces",
  {
    hostId: text("host_id").notNull(),
    nonce: text("nonce").notNull(),
    expiresAt: moment("expires_at").notNull(),
  },
  (table) => [
    uniqueIndex("host_request_nonces_pk").on(table.hostId, table.nonce),
    index("host_request_nonces_expiry_idx").on(table.expiresAt),
  ],
);

/**
 * Rotation policies (issue 23): "Rotate every N days", for one agent (`agent_id`) or for all of
 * an operator's agents (`agent_id` null; an agent's own policy wins). An agent with a connected
 * host is rotated by the worker (lib/policies/); any other gets a reminder instead.
 */
export const rotationPolicies = pgTable(
  "rotation_policies",
  {
    id: uuid("id").primaryKey(),
    operatorId: integer("operator_id").notNull(),
    /** Null: every agent of the operator that has no policy of its own. */
    agentId: integer("agent_id"),
    everyDays: integer("every_days").notNull(),
    createdAt: moment("created_at").notNull(),
    /** The one-way label of the session that set it (never its id). */
    sessionLabel: text("session_label").notNull(),
  },
  (table) => [
    uniqueIndex("rotation_policies_agent_idx")
      .on(table.operatorId, table.agentId)
      .where(sql`${table.agentId} is not null`),
    uniqueIndex("rotation_policies_operator_idx")
      .on(table.operatorId)
      .where(sql`${table.agentId} is null`),
  ],
);

/**
 * What the worker needs to act for an operator with nobody signed in: the operator key, sealed
 * (AES-256-GCM) under a key derived with HKDF from SESSION_SECRET, which is not in the database.
 * Written when a signed-in operator sets a policy ("arms" them), deleted with the last policy.
 * The trade-off (SECURITY.md): the database and the server's secret together open it.
 */
export const policyArmings = pgTable("policy_armings", {
  operatorId: integer("operator_id").primaryKey(),
  operatorName: text("operator_name").notNull(),
  /** iv | tag | ciphertext, base64url; associated data "policy-arming:<operator id>". */
  sealedOperatorKey: text("sealed_operator_key").notNull(),
  /** Which SESSION_SECRET id it was sealed under ("1" for a single secret). */
  keyId: text("key_id").notNull(),
  operatorKeyTail: text("operator_key_tail").notNull(),
  armedAt: moment("armed_at").notNull(),
  sessionLabel: text("session_label").notNull(),
  /** Set when the faucet refused the sealed key (the operator key was rotated): policies pause until re-armed. */
  pausedAt: moment("paused_at"),
});

/**
 * One row per policy rotation due (agent and due time): the claim that makes each run happen
 * once across instances, and what became of it. `outcome_unknown` and a `running` row left by a
 * dead worker are never retried: they wait for a person ("needs a person", Rotate again).
 */
export const policyRuns = pgTable(
  "policy_runs",
  {
    operatorId: integer("operator_id").notNull(),
    agentId: integer("agent_id").notNull(),
    /** When the key fell due (epoch ms as a moment): with the agent, the run's identity. */
    dueAt: moment("due_at").notNull(),
    /** running | ok | outcome_unknown | refused | key_missing | skipped_no_host */
    status: text("status").notNull(),
    /** The rotation attempt (key_rotations.id) it made, if any. */
    attemptId: uuid("attempt_id"),
    instanceId: text("instance_id").notNull(),
    startedAt: moment("started_at").notNull(),
    finishedAt: moment("finished_at"),
  },
  (table) => [
    uniqueIndex("policy_runs_due_idx").on(table.operatorId, table.agentId, table.dueAt),
    index("policy_runs_status_idx").on(table.operatorId, table.status),
  ],
);
