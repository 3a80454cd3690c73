import "server-only";
import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { AuditActor } from "@/lib/audit/audit-actor";
import { recordAuditEventIn, type AuditEventBeside } from "@/lib/audit/record-audit-event";
import { instanceId } from "@/lib/config/env";
import { keyLabel } from "@/lib/key-label";
import { getStore, inStoreTransaction } from "@/lib/store/get-store";
import { handoffs } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import { asStoreError } from "@/lib/store/store-unavailable-error";
import {
  newHandoffId,
  newHandoffToken,
  hashHandoffToken,
  openHandoffKey,
  sealHandoffKey,
  tokenMatches,
} from "./handoff-crypto";
import { readHandoffTtlMinutes } from "./handoff-settings";

/**
 * Hand-offs: one agent key, sealed behind a single-use, short-lived link. Every change of a
 * hand-off and its audit event commit in one transaction, the row locked (`for update`), so
 * two redeems at the same instant on any instances give one key and one alarm.
 */

export const HANDOFF_STATES = ["waiting", "redeemed", "expired", "locked", "revoked"] as const;
export type HandoffState = (typeof HANDOFF_STATES)[number];
export type HandoffAlarm = "collected_twice" | "locked" | "expired_unredeemed";

/** Wrong tokens (redeem or lookup) after which a hand-off is locked and its key erased. */
export const MAX_WRONG_TOKENS = 5;
const ADDRESS_MAX = 64;
const USER_AGENT_MAX = 256;

type Row = typeof handoffs.$inferSelect;

export type NewHandoff = {
  operatorId: number;
  agentId: number;
  agentName: string;
  /** "rotate:agent:<id>", "create" or "bulk:<batch>". */
  origin: string;
  /**
   * The event that produced the key: "rotation:<attempt id>" or "create:<audit event id>". At
   * most one hand-off per source (a unique index): the second is refused with HandoffExistsError.
   */
  keySource: string;
  sessionLabel: string;
  apiKey: string;
  /** Audit events of a bulk run carry its batch id. */
  batchId?: string | null;
  now?: number;
};

export type CreatedHandoff = { id: string; token: string; expiresAt: number };

/** Who is asking for a hand-off over HTTP (no session: the token is the credential). */
export type HandoffClient = { address: string | null; userAgent: string | null };

export type HandoffView = {
  id: string;
  agentId: number;
  agentName: string;
  origin: string;
  state: HandoffState;
  createdAt: number;
  expiresAt: number;
  keyLabel: string;
  redeemedAt: number | null;
  redeemedAddress: string | null;
  alarm: HandoffAlarm | null;
  alarmAt: number | null;
};

export type HandoffRefusal = "not_found" | "wrong_token" | "expired" | "locked" | "already_redeemed" | "revoked";

export type RedeemOutcome =
  | { ok: true; apiKey: string; handoff: HandoffView }
  | { ok: false; refusal: HandoffRefusal; handoff: HandoffView | null };
export type LookupOutcome =
  { ok: true; handoff: HandoffView } | { ok: false; refusal: HandoffRefusal; handoff: HandoffView | null };

function view(row: Row): HandoffView {
  return {
    id: row.id,
    agentId: row.agentId,
    agentName: row.agentName,
    origin: row.origin,
    state: row.state as HandoffState,
    createdAt: row.createdAt.getTime(),
    expiresAt: row.expiresAt.getTime(),
    keyLabel: row.keyLabel,
    redeemedAt: row.redeemedAt?.getTime() ?? null,
    redeemedAddress: row.redeemedAddress,
    alarm: (row.alarm as HandoffAlarm | null) ?? null,
    alarmAt: row.alarmAt?.getTime() ?? null,
  };
}

function actorFor(
  row: { operatorId: number },
  client: HandoffClient | null,
  sessionLabel: string | null = null,
): AuditActor {
  return {
    operatorId: row.operatorId,
    sessionLabel,
    clientAddress: client?.address?.slice(0, ADDRESS_MAX) || null,
    userAgent: client?.userAgent?.slice(0, USER_AGENT_MAX) || null,
    instanceId: instanceId(),
  };
}

/** A hand-off's events name its agent by id and by the name the hand-off was made with. */
const about = (row: { agentId: number; agentName: string }) => ({
  target: `agent:${row.agentId}` as const,
  agentName: row.agentName,
});

/** A hand-off of this key already exists (the unique index on its source): its link was shown once. */
export class HandoffExistsError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("This key was already handed off.", options);
    this.name = "HandoffExistsError";
  }
}

/** PostgreSQL's unique_violation (23505), found under Drizzle's and the drivers' wrappers. */
function isUniqueViolation(error: unknown): boolean {
  for (let current = error, depth = 0; typeof current === "object" && current !== null && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === "23505") return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** A new hand-off, nothing stored yet: its row (the key sealed under the token), its link and its create_handoff event. */
function newHandoff(request: NewHandoff) {
  const now = request.now ?? Date.now();
  const id = newHandoffId();
  const token = newHandoffToken();
  const expiresAt = new Date(now + readHandoffTtlMinutes() * 60_000);
  const fingerprint = keyLabel(request.apiKey);
  const row: typeof handoffs.$inferInsert = {
    id,
    operatorId: request.operatorId,
    agentId: request.agentId,
    agentName: request.agentName.slice(0, 200),
    origin: request.origin,
    keySource: request.keySource,
    sessionLabel: request.sessionLabel,
    createdAt: new Date(now),
    expiresAt,
    state: "waiting",
    tokenHash: hashHandoffToken(token),
    sealedKey: sealHandoffKey(request.apiKey, token, { id, agentId: request.agentId, expiresAt }),
    keyLabel: fingerprint,
  };
  const created: CreatedHandoff = { id, token, expiresAt: expiresAt.getTime() };
  const event: AuditEventBeside = {
    actor: actorFor(request, null, request.sessionLabel),
    event: {
      action: "create_handoff",
      ...about(request),
      outcome: "ok",
      keyLabel: fingerprint,
      batchId: request.batchId ?? null,
    },
  };
  return { row, created, event };
}

/**
 * A hand-off for a rotation's closing transaction: its link, and its create_handoff event
 * carrying the row's insert, which the transaction's audit append sends in its own statement
 * (beside the rotation's completion). Nothing is stored until then; the caller must append it.
 */
export function handoffBeside(
  tx: StoreDatabase,
  request: NewHandoff,
): { created: CreatedHandoff; event: AuditEventBeside } {
  const { row, created, event } = newHandoff(request);
  return { created, event: { ...event, insert: tx.insert(handoffs).values(row).getSQL() } };
}

/** Makes a hand-off in its own transaction; throws HandoffExistsError when its key source already has one. */
export async function createHandoff(request: NewHandoff): Promise<CreatedHandoff> {
  try {
    return await inStoreTransaction(async (tx) => {
      const { row, created, event } = newHandoff(request);
      await tx.insert(handoffs).values(row);
      await recordAuditEventIn(tx, event.actor, event.event);
      return created;
    });
  } catch (error) {
    throw isUniqueViolation(error) ? new HandoffExistsError({ cause: error }) : error;
  }
}

async function lockedRow(tx: StoreDatabase, id: string): Promise<Row | null> {
  const [row] = await tx.select().from(handoffs).where(eq(handoffs.id, id)).for("update");
  return row ?? null;
}

/** A waiting hand-off past its expiry becomes expired: key erased, alarm raised, audited. */
async function expireIfDue(tx: StoreDatabase, row: Row, now: number, client: HandoffClient | null): Promise<Row> {
  if (row.state !== "waiting" || row.expiresAt.getTime() > now) return row;
  const [expired] = await tx
    .update(handoffs)
    .set({ state: "expired", sealedKey: null, alarm: "expired_unredeemed", alarmAt: new Date(now) })
    .where(eq(handoffs.id, row.id))
    .returning();
  await recordAuditEventIn(tx, actorFor(row, client), {
    action: "expire_handoff",
    ...about(row),
    outcome: "ok",
    keyLabel: row.keyLabel,
  });
  return expired!;
}

const REFUSAL_OF_STATE: Record<Exclude<HandoffState, "waiting">, HandoffRefusal> = {
  redeemed: "already_redeemed",
  expired: "expired",
  locked: "locked",
  revoked: "revoked",
};

/**
 * A wrong token: counted, and the fifth locks the hand-off (key erased, alarm). Returns the
 * refusal to answer: wrong_token, or locked on the attempt that locked it.
 */
async function countWrongToken(
  tx: StoreDatabase,
  row: Row,
  now: number,
  client: HandoffClient,
  action: "redeem_handoff",
): Promise<{ refusal: HandoffRefusal; row: Row }> {
  const failed = row.failedAttempts + 1;
  const locks = failed >= MAX_WRONG_TOKENS;
  const [updated] = await tx
    .update(handoffs)
    .set(
      locks
        ? { failedAttempts: failed, state: "locked", sealedKey: null, alarm: "locked", alarmAt: new Date(now) }
        : { failedAttempts: failed },
    )
    .where(eq(handoffs.id, row.id))
    .returning();
  await recordAuditEventIn(tx, actorFor(row, client), {
    action,
    ...about(row),
    outcome: "refused",
    refusal: locks ? "locked" : "wrong_token",
  });
  return { refusal: locks ? "locked" : "wrong_token", row: updated! };
}

/**
 * Redeems a hand-off: at most once, in one transaction that checks its state, expiry and
 * token, marks it redeemed (time, address, user agent) and erases its ciphertext. A
 * redeem of one already collected, locked or expired is refused and, when the token is
 * right (someone holds the link), raises the alarm the agents page shows.
 */
export async function redeemHandoff(
  id: string,
  token: string,
  client: HandoffClient,
  now = Date.now(),
): Promise<RedeemOutcome> {
  return inStoreTransaction(async (tx) => {
    const found = await lockedRow(tx, id);
    if (!found) return { ok: false, refusal: "not_found", handoff: null };
    const row = await expireIfDue(tx, found, now, client);
    const rightToken = tokenMatches(token, row.tokenHash);
    if (row.state !== "waiting") {
      const refusal = REFUSAL_OF_STATE[row.state as Exclude<HandoffState, "waiting">] ?? "expired";
      let current = row;
      if (rightToken && row.state === "redeemed") {
        [current] = (await tx
          .update(handoffs)
          .set({ alarm: "collected_twice", alarmAt: new Date(now) })
          .where(eq(handoffs.id, row.id))
          .returning()) as [Row];
      }
      await recordAuditEventIn(tx, actorFor(row, client), {
        action: "redeem_handoff",
        ...about(row),
        outcome: "refused",
        refusal: !rightToken ? "wrong_token" : row.state === "redeemed" ? "replayed" : refusal,
      });
      return { ok: false, refusal, handoff: view(current) };
    }
    const apiKey =
      rightToken && row.sealedKey
        ? openHandoffKey(row.sealedKey, token, { id: row.id, agentId: row.agentId, expiresAt: row.expiresAt })
        : null;
    if (apiKey === null) {
      const counted = await countWrongToken(tx, row, now, client, "redeem_handoff");
      return { ok: false, refusal: counted.refusal, handoff: view(counted.row) };
    }
    const [redeemed] = await tx
      .update(handoffs)
      .set({
        state: "redeemed",
        sealedKey: null,
        redeemedAt: new Date(now),
        redeemedAddress: client.address?.slice(0, ADDRESS_MAX) || null,
        redeemedUserAgent: client.userAgent?.slice(0, USER_AGENT_MAX) || null,
      })
      .where(and(eq(handoffs.id, row.id), eq(handoffs.state, "waiting")))
      .returning();
    await recordAuditEventIn(tx, actorFor(row, client), {
      action: "redeem_handoff",
      ...about(row),
      outcome: "ok",
      keyLabel: row.keyLabel,
    });
    return { ok: true, apiKey, handoff: view(redeemed!) };
  });
}

/**
 * Vault's wrapping lookup: the state, expiry, agent and origin of a hand-off, for the holder of
 * its token, consuming nothing. Wrong tokens count towards the lock as a redeem's do.
 */
export async function lookupHandoff(
  id: string,
  token: string,
  client: HandoffClient,
  now = Date.now(),
): Promise<LookupOutcome> {
  return inStoreTransaction(async (tx) => {
    const found = await lockedRow(tx, id);
    if (!found) return { ok: false, refusal: "not_found", handoff: null };
    const row = await expireIfDue(tx, found, now, client);
    if (tokenMatches(token, row.tokenHash)) return { ok: true, handoff: view(row) };
    if (row.state !== "waiting") return { ok: false, refusal: "wrong_token", handoff: null };
    const counted = await countWrongToken(tx, row, now, client, "redeem_handoff");
    return { ok: false, refusal: counted.refusal, handoff: null };
  });
}

/** What the hand-off page may show without any token: nothing secret, nothing consumed. */
export async function publicHandoff(id: string, now = Date.now()): Promise<HandoffView | null> {
  return inStoreTransaction(async (tx) => {
    const found = await lockedRow(tx, id);
    return found ? view(await expireIfDue(tx, found, now, null)) : null;
  });
}

/** Revokes a waiting hand-off of this operator: key erased, audited. False when nothing was waiting. */
export async function revokeHandoff(
  operatorId: number,
  id: string,
  sessionLabel: string,
  now = Date.now(),
): Promise<boolean> {
  return inStoreTransaction(async (tx) => {
    const found = await lockedRow(tx, id);
    if (!found || found.operatorId !== operatorId) return false;
    const row = await expireIfDue(tx, found, now, null);
    if (row.state !== "waiting") return false;
    await tx.update(handoffs).set({ state: "revoked", sealedKey: null }).where(eq(handoffs.id, id));
    await recordAuditEventIn(tx, actorFor(row, null, sessionLabel), {
      action: "revoke_handoff",
      ...about(row),
      outcome: "ok",
      keyLabel: row.keyLabel,
    });
    return true;
  });
}

/** Expires every waiting hand-off past its expiry (key erased, alarm, audit); returns how many. */
export async function sweepExpiredHandoffs(now = Date.now(), batch = 200): Promise<number> {
  return inStoreTransaction(async (tx) => {
    const due = await tx
      .select()
      .from(handoffs)
      .where(and(eq(handoffs.state, "waiting"), lt(handoffs.expiresAt, new Date(now))))
      .orderBy(handoffs.expiresAt)
      .limit(batch)
      .for("update", { skipLocked: true });
    for (const row of due) await expireIfDue(tx, row, now, null);
    return due.length;
  });
}

/** The latest hand-off of each of these agents (the agents page's state column and alarms). */
export async function latestHandoffs(operatorId: number, agentIds: number[]): Promise<HandoffView[]> {
  if (agentIds.length === 0) return [];
  try {
    const { db } = await getStore();
    const rows = await db
      .selectDistinctOn([handoffs.agentId])
      .from(handoffs)
      .where(and(eq(handoffs.operatorId, operatorId), inArray(handoffs.agentId, agentIds)))
      .orderBy(handoffs.agentId, desc(handoffs.createdAt));
    return rows.map(view);
  } catch (error) {
    throw asStoreError(error);
  }
}

/** Hand-offs of one operator with an alarm raised in the last day (the agents page's banner). */
export async function handoffAlarms(operatorId: number, now = Date.now()): Promise<HandoffView[]> {
  try {
    const { db } = await getStore();
    const rows = await db
      .select()
      .from(handoffs)
      .where(
        and(
          eq(handoffs.operatorId, operatorId),
          sql`${handoffs.alarm} is not null`,
          sql`${handoffs.alarmAt} > ${new Date(now - 24 * 60 * 60_000)}`,
        ),
      )
      .orderBy(desc(handoffs.alarmAt))
      .limit(50);
    return rows.map(view);
  } catch (error) {
    throw asStoreError(error);
  }
}

/**
 * The operator's hand-offs made in the last day, newest first (at most 50), expired ones
 * marked as such on the way (the agents page's hand-offs panel and its alarms).
 */
export async function recentHandoffs(operatorId: number, now = Date.now()): Promise<HandoffView[]> {
  return inStoreTransaction(async (tx) => {
    const rows = await tx
      .select()
      .from(handoffs)
      .where(and(eq(handoffs.operatorId, operatorId), sql`${handoffs.createdAt} > ${new Date(now - 24 * 60 * 60_000)}`))
      .orderBy(desc(handoffs.createdAt))
      .limit(50);
    return viewsExpiringDue(tx, rows, now);
  });
}

/** The rows as the page shows them, a waiting one past its expiry expired on the way (in order). */
async function viewsExpiringDue(tx: StoreDatabase, rows: Row[], now: number): Promise<HandoffView[]> {
  const shown: HandoffView[] = [];
  for (const row of rows)
    shown.push(
      view(
        row.state === "waiting" && row.expiresAt.getTime() <= now
          ? await expireIfDue(tx, (await lockedRow(tx, row.id)) ?? row, now, null)
          : row,
      ),
    );
  return shown;
}

/** How many of a bulk run's hand-offs the sheet watches (the first, by agent id); a run may be larger. */
export const BATCH_WATCH_LIMIT = 2_000;

/**
 * The hand-offs of one of this operator's bulk runs (origin "bulk:<batch>"), expired ones marked
 * as such on the way: incident mode's sheet watches them until each is collected or expired.
 */
export async function batchHandoffs(
  operatorId: number,
  batchId: string,
  now = Date.now(),
  limit = BATCH_WATCH_LIMIT,
): Promise<HandoffView[]> {
  return inStoreTransaction(async (tx) => {
    const rows = await tx
      .select()
      .from(handoffs)
      .where(and(eq(handoffs.operatorId, operatorId), eq(handoffs.origin, `bulk:${batchId}`)))
      .orderBy(handoffs.agentId)
      .limit(limit);
    return viewsExpiringDue(tx, rows, now);
  });
}
