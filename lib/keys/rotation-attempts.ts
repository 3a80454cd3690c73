import "server-only";
import { and, desc, eq, gt, inArray, or, sql } from "drizzle-orm";
import { getStore } from "@/lib/store/get-store";
import { keyRotations } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";

/**
 * The rotation guard every instance shares, kept in the store's key_rotations table.
 * A rotation is not idempotent upstream, so one confirmation must make one faucet call
 * even when a double click, a second tab or a second instance fires the same rotation.
 */

/** How long a committed rotation refuses confirmations made without knowing of it. */
export const ROTATED_ELSEWHERE_WINDOW_MS = 15_000;
export type RotationTargetKey = `agent:${number}` | "operator";

export type RecordedRotation = {
  attemptId: string;
  /** Epoch ms when the faucet confirmed it. */
  at: number;
  sessionLabel: string;
  instanceId: string;
  keyLabel: string | null;
  cooldownUntil: number | null;
};

export type AttemptVerdict =
  | { kind: "begun" }
  | { kind: "rotated_elsewhere"; last: RecordedRotation }
  /** The same confirmation arrived twice (a replayed request): it never makes a second call. */
  | { kind: "duplicate" };

export type AttemptRequest = {
  /** Chosen by the confirming page, so it can name the attempt even if the reply is lost. */
  attemptId: string;
  operatorId: number;
  target: RotationTargetKey;
  sessionLabel: string;
  instanceId: string;
  /** When the last rotation the confirming page knew of was committed; null if it knew of none. */
  knownRotationAt: number | null;
  /** After "outcome unknown": the confirmer's own earlier attempt, which must not count against it. */
  ownAttemptId: string | null;
  /** An attempt still pending after this long is taken as abandoned (its instance died mid-call). */
  abandonedAfterMs: number;
  now?: () => number;
};

type Row = typeof keyRotations.$inferSelect;

function toRecorded(row: Row): RecordedRotation {
  return {
    attemptId: row.id,
    at: (row.finishedAt ?? row.startedAt).getTime(),
    sessionLabel: row.sessionLabel,
    instanceId: row.instanceId,
    keyLabel: row.keyLabel,
    cooldownUntil: row.cooldownUntil?.getTime() ?? null,
  };
}

/** One lock per operator and target, so two instances cannot both find the target free. */
function lockKey(operatorId: number, target: string) {
  return sql`pg_advisory_xact_lock(hashtext(${`key-rotation:${operatorId}:${target}`}))`;
}

export type ClaimVerdict = AttemptVerdict | { kind: "wait" };

/**
 * Claims the target for one faucet call, or says who rotated it a moment ago, inside the
 * caller's transaction (lib/changes writes the pending audit event in the same one, so the
 * claim and the event commit or vanish together). "wait": another attempt on the target is in
 * flight; nothing was written, and the caller tries again in a moment.
 *
 * Refused only when another attempt on the same target committed in the last 15 s, after
 * the rotation the page knew of, and is not the confirmer's own. Keyed on attempts, not
 * sessions: tabs share a session. The lock is one per operator and target, so of two
 * confirmations at the same instant on any instances exactly one calls the faucet.
 */
export async function claimRotationTarget(tx: StoreDatabase, request: AttemptRequest): Promise<ClaimVerdict> {
  const now = request.now ?? Date.now;
  await tx.execute(sql`select ${lockKey(request.operatorId, request.target)}`);
  const scope = and(eq(keyRotations.operatorId, request.operatorId), eq(keyRotations.target, request.target));
  // One read for both questions: an attempt in flight, and the last committed rotation.
  const recent = await tx
    .select()
    .from(keyRotations)
    .where(
      and(
        scope,
        or(
          and(
            eq(keyRotations.status, "pending"),
            gt(keyRotations.startedAt, new Date(now() - request.abandonedAfterMs)),
          ),
          and(
            eq(keyRotations.status, "committed"),
            gt(keyRotations.finishedAt, new Date(now() - ROTATED_ELSEWHERE_WINDOW_MS)),
          ),
        ),
      ),
    )
    .orderBy(desc(keyRotations.finishedAt))
    .limit(2);
  if (recent.some((row) => row.status === "pending")) return { kind: "wait" };
  const last = recent.find((row) => row.status === "committed");
  // This very confirmation committed already (a double submit): the copy is a duplicate, not "elsewhere".
  if (last?.id === request.attemptId) return { kind: "duplicate" };
  if (last?.finishedAt) {
    const at = last.finishedAt.getTime();
    const unknownToPage = request.knownRotationAt === null || at > request.knownRotationAt;
    if (unknownToPage && last.id !== request.ownAttemptId) return { kind: "rotated_elsewhere", last: toRecorded(last) };
  }
  const inserted = await tx
    .insert(keyRotations)
    .values({
      id: request.attemptId,
      operatorId: request.operatorId,
      target: request.target,
      sessionLabel: request.sessionLabel,
      instanceId: request.instanceId,
      status: "pending",
      startedAt: new Date(now()),
    })
    .onConflictDoNothing()
    .returning({ id: keyRotations.id });
  return inserted.length === 1 ? { kind: "begun" } : { kind: "duplicate" };
}

export type AttemptOutcome =
  | { status: "committed"; keyLabel: string; cooldownUntil: number }
  | { status: "outcome_unknown" | "refused" | "key_missing" };

/** The attempt's outcome, written in the caller's transaction (lib/changes: beside the audit completion). */
export async function finishRotationAttemptIn(
  tx: StoreDatabase,
  attemptId: string,
  outcome: AttemptOutcome,
  now = Date.now(),
): Promise<void> {
  await tx
    .update(keyRotations)
    .set({
      status: outcome.status,
      finishedAt: new Date(now),
      ...(outcome.status === "committed"
        ? { keyLabel: outcome.keyLabel, cooldownUntil: new Date(outcome.cooldownUntil) }
        : {}),
    })
    .where(and(eq(keyRotations.id, attemptId), eq(keyRotations.status, "pending")));
}

/**
 * The latest committed rotation of each of the operator's targets: the timers every tab,
 * browser and instance shows, and "last rotated at … from session …" in the confirmation.
 */
export async function latestRotations(
  operatorId: number,
  targets?: readonly RotationTargetKey[],
): Promise<Map<string, RecordedRotation>> {
  const { db } = await getStore();
  if (targets && targets.length === 0) return new Map();
  const rows = await db
    .selectDistinctOn([keyRotations.target])
    .from(keyRotations)
    .where(
      and(
        eq(keyRotations.operatorId, operatorId),
        eq(keyRotations.status, "committed"),
        targets ? inArray(keyRotations.target, [...targets]) : undefined,
      ),
    )
    .orderBy(keyRotations.target, desc(keyRotations.finishedAt));
  return new Map(rows.map((row) => [row.target, toRecorded(row)]));
}
