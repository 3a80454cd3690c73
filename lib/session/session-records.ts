import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { and, count, eq, gt, isNotNull, isNull, lt, ne, or } from "drizzle-orm";
import { env, loadEnv, type EnvSource } from "@/lib/config/env";
import { getStore } from "@/lib/store/get-store";
import { sessions } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import { newSessionKey, openOperatorKey, sealOperatorKey } from "./operator-key-box";
import type { SessionEndReason } from "./session-end-reasons";
import { SESSION_TTL_SECONDS } from "./session-seal";

/**
 * The server-side half of a session: one row per signed-in browser, holding the operator
 * key sealed under the per-session key that only the cookie carries. Deleting or ending
 * the row ends the session for every copy of the cookie, which a cookie alone cannot do.
 */

/**
 * Writing last_seen_at on every request would cost a write per page: once a minute is enough
 * for a 30-minute idle limit; a shorter limit (SESSION_IDLE_SECONDS, for tests) writes it every
 * quarter of the limit, so a person's requests still keep the session alive.
 */
export function touchEveryMs(idleMs: number): number {
  return Math.min(60_000, Math.floor(idleMs / 4));
}
/** Ended rows are kept this long so the sign-in page can say why; then they are pruned. */
const ENDED_ROW_KEPT_MS = SESSION_TTL_SECONDS * 1000;

/**
 * SESSION_IDLE_MINUTES (default 30); SESSION_IDLE_SECONDS, when set, overrides it with a limit
 * in seconds (5 to 86,400), so a test can watch a session go idle without waiting minutes.
 */
export function sessionIdleMs(source?: EnvSource): number {
  return (source ? loadEnv(source) : env()).sessionIdleMs;
}

/** Sessions open now (not ended, not idle, not past their lifetime), on every instance sharing the store: for the metrics. */
export async function countLiveSessionRecords(now: number): Promise<number> {
  const { db } = await getStore();
  const [row] = await db
    .select({ live: count() })
    .from(sessions)
    .where(
      and(
        isNull(sessions.endedAt),
        isNotNull(sessions.sealedOperatorKey),
        gt(sessions.createdAt, new Date(now - SESSION_TTL_SECONDS * 1000)),
        gt(sessions.lastSeenAt, new Date(now - sessionIdleMs())),
      ),
    );
  return row?.live ?? 0;
}

/** A short, one-way name for a session, safe to show and to record: it cannot be turned back into the id. */
export function sessionLabel(sessionId: string): string {
  return createHash("sha256").update(sessionId).digest("hex").slice(0, 8);
}

export type LiveSessionRecord = {
  id: string;
  operatorId: number;
  operatorName: string;
  operatorKey: string;
  operatorKeyTail: string;
};

export type SessionLookup =
  | { kind: "live"; record: LiveSessionRecord }
  | { kind: "ended"; reason: SessionEndReason }
  /** No such row (signed out, pruned) or a box that does not open with this cookie's key. */
  | { kind: "missing" };

type NewSession = {
  operatorId: number;
  operatorName: string;
  operatorKey: string;
  operatorKeyTail: string;
  now: number;
};

export async function createSessionRecord({ operatorId, operatorName, operatorKey, operatorKeyTail, now }: NewSession) {
  const { db } = await getStore();
  const id = randomBytes(16).toString("base64url");
  const sessionKey = newSessionKey();
  await db.insert(sessions).values({
    id,
    operatorId,
    operatorName,
    sealedOperatorKey: sealOperatorKey(operatorKey, sessionKey, id),
    operatorKeyTail,
    createdAt: new Date(now),
    lastSeenAt: new Date(now),
  });
  return { id, sessionKey };
}

/**
 * `touch: false` (a background poll) reads the session without counting as activity, so a
 * tab left open still reaches the idle limit.
 */
export async function lookupSessionRecord(
  id: string,
  sessionKey: Buffer,
  now: number,
  { touch = true }: { touch?: boolean } = {},
): Promise<SessionLookup> {
  const { db } = await getStore();
  const [row] = await db.select().from(sessions).where(eq(sessions.id, id)).limit(1);
  if (!row) return { kind: "missing" };
  if (row.endedAt || !row.sealedOperatorKey)
    return { kind: "ended", reason: (row.endReason as SessionEndReason | null) ?? "signed_out" };
  const idleMs = sessionIdleMs();
  const timedOut =
    now - row.createdAt.getTime() >= SESSION_TTL_SECONDS * 1000
      ? "expired"
      : now - row.lastSeenAt.getTime() >= idleMs
        ? "idle"
        : null;
  if (timedOut) {
    await endSessionRecord(id, timedOut, now);
    return { kind: "ended", reason: timedOut };
  }
  const operatorKey = openOperatorKey(row.sealedOperatorKey, sessionKey, id);
  if (operatorKey === null) return { kind: "missing" };
  if (touch && now - row.lastSeenAt.getTime() >= touchEveryMs(idleMs)) {
    await db
      .update(sessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(sessions.id, id));
  }
  return {
    kind: "live",
    record: {
      id,
      operatorId: row.operatorId,
      operatorName: row.operatorName,
      operatorKey,
      operatorKeyTail: row.operatorKeyTail,
    },
  };
}

/** Sign out: the row goes, so every copy of the cookie opens nothing from now on. */
export async function deleteSessionRecord(id: string): Promise<void> {
  const { db } = await getStore();
  await db.delete(sessions).where(eq(sessions.id, id));
}

/** Ends a session but keeps a key-less row for a while, so its other tabs are told why. */
export async function endSessionRecord(id: string, reason: SessionEndReason, now: number): Promise<void> {
  const { db } = await getStore();
  await db
    .update(sessions)
    .set({ sealedOperatorKey: null, endedAt: new Date(now), endReason: reason })
    .where(eq(sessions.id, id));
}

/** "Sign out everywhere", and the end of every other session after an operator-key rotation. */
export async function endOperatorSessions(
  operatorId: number,
  reason: SessionEndReason,
  now: number,
  { except }: { except?: string } = {},
): Promise<number> {
  const { db } = await getStore();
  const ended = await db
    .update(sessions)
    .set({ sealedOperatorKey: null, endedAt: new Date(now), endReason: reason })
    .where(
      and(
        eq(sessions.operatorId, operatorId),
        isNotNull(sessions.sealedOperatorKey),
        except ? ne(sessions.id, except) : undefined,
      ),
    )
    .returning({ id: sessions.id });
  return ended.length;
}

export type ReplacedSession = { id: string; sessionKey: Buffer };

/**
 * After an operator-key rotation: the rotating session is replaced by a new one (new id, new
 * per-session key) holding the new key, and every session of the operator, the rotating one
 * included, ends with the reason "operator_key_rotated". After a leak, the rotation is exactly
 * when every earlier copy of a cookie must die; the old rows lose their sealed key at once
 * and stay key-less only so that a copied cookie lands on the sign-in page with the reason.
 * Runs in the caller's transaction (lib/changes: beside the rotation record), so no instance
 * ever sees the new key beside a still-open old session. Null when the rotating session had
 * ended meanwhile (signed out everywhere): then no new session is made.
 */
export async function replaceSessionIn(
  tx: StoreDatabase,
  {
    id,
    operatorId,
    operatorName,
    newKey,
    keyTail,
    now,
  }: { id: string; operatorId: number; operatorName: string; newKey: string; keyTail: string; now: number },
): Promise<ReplacedSession | null> {
  const ended = await tx
    .update(sessions)
    .set({ sealedOperatorKey: null, endedAt: new Date(now), endReason: "operator_key_rotated" })
    .where(and(eq(sessions.operatorId, operatorId), isNotNull(sessions.sealedOperatorKey)))
    .returning({ id: sessions.id, createdAt: sessions.createdAt });
  const own = ended.find((row) => row.id === id);
  if (!own) return null;
  const next = { id: randomBytes(16).toString("base64url"), sessionKey: newSessionKey() };
  // The new session keeps the old one's start: a rotation does not stretch the 12-hour limit.
  await tx.insert(sessions).values({
    id: next.id,
    operatorId,
    operatorName,
    sealedOperatorKey: sealOperatorKey(newKey, next.sessionKey, next.id),
    operatorKeyTail: keyTail,
    createdAt: own.createdAt,
    lastSeenAt: new Date(now),
  });
  return next;
}

/**
 * The faucet refused the key a request used. End the session only if that key is still
 * the session's key: if another tab switched it meanwhile, the request was merely stale,
 * and ending the session would throw out the operator who just rotated.
 */
export async function endSessionIfKeyRefused(
  id: string,
  sessionKey: Buffer,
  refusedKey: string,
  now: number,
): Promise<"ended" | "superseded"> {
  const lookup = await lookupSessionRecord(id, sessionKey, now);
  if (lookup.kind === "live" && lookup.record.operatorKey !== refusedKey) return "superseded";
  // A request that started before this session's operator-key rotation: the browser may hold
  // the new session's cookie by now, which clearing this one's would sign out.
  if (lookup.kind === "ended" && lookup.reason === "operator_key_rotated") return "superseded";
  if (lookup.kind === "live") await endSessionRecord(id, "key_invalid", now);
  return "ended";
}

/** Off the request path: ended rows past their notice period, and rows past the session lifetime. */
export async function pruneSessionRecords(now: number): Promise<void> {
  const { db } = await getStore();
  await db
    .delete(sessions)
    .where(
      or(
        lt(sessions.endedAt, new Date(now - ENDED_ROW_KEPT_MS)),
        lt(sessions.createdAt, new Date(now - 2 * SESSION_TTL_SECONDS * 1000)),
      ),
    );
}
