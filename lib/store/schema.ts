import { bigint, index, integer, pgTable, text, timestamp, uuid, varchar } from "drizzle-orm/pg-core";

/**
 * The one source of truth for the console's tables, on both engines (PGlite, PostgreSQL).
 * Migrations are generated from this file by drizzle-kit and checked in beside it.
 *
 * No column ever holds a faucet key in the clear: the operator key is sealed under a
 * per-session key that only the session cookie carries, and rotations keep fingerprints.
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
    operatorKeyFingerprint: text("operator_key_fingerprint").notNull(),
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
    keyFingerprint: text("key_fingerprint"),
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
