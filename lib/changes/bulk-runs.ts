import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, gt, lt, sql } from "drizzle-orm";
import { getStore } from "@/lib/store/get-store";
import { bulkRuns } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";

/**
 * Incident mode's batch ids belong to the server: a run is issued here when it starts (for an
 * operator, a kind and a size, with an expiry), and /api/bulk/* accepts only a live run of the
 * calling operator. The bulk budget follows that route and that run, never an id the browser made.
 */

/** "connect-host": incident mode's enrolment links (lib/hosts/connect-host.ts), no faucet change. */
export type BulkKind = "rotate" | "deactivate" | "connect-host";

/** The most agents one run may name: far above any operator's list, low enough to bound a run. */
export const BULK_RUN_MAX_SIZE = 100_000;
/** A run's calls must start within this: a thousand agents at concurrency 4 take minutes, not hours. */
export const BULK_RUN_TTL_MS = 60 * 60_000;

export type IssuedBulkRun = { batchId: string; kind: BulkKind; size: number; expiresAt: number };

export async function issueBulkRun(
  operatorId: number,
  kind: BulkKind,
  size: number,
  now = Date.now(),
): Promise<IssuedBulkRun> {
  const { db } = await getStore();
  const batchId = randomUUID();
  const expiresAt = now + BULK_RUN_TTL_MS;
  // Runs long expired go with the next issue: a small table, no timer.
  await db.delete(bulkRuns).where(lt(bulkRuns.expiresAt, new Date(now - BULK_RUN_TTL_MS)));
  await db
    .insert(bulkRuns)
    .values({ id: batchId, operatorId, kind, size, createdAt: new Date(now), expiresAt: new Date(expiresAt) });
  return { batchId, kind, size, expiresAt };
}

/**
 * Counts one call against the run, inside the caller's transaction: false when the id names no
 * run of this operator and kind, the run has expired, or it has had its `size` calls already.
 */
export async function claimBulkCall(
  tx: StoreDatabase,
  { batchId, operatorId, kind, now }: { batchId: string; operatorId: number; kind: BulkKind; now: number },
): Promise<boolean> {
  const claimed = await tx
    .update(bulkRuns)
    .set({ used: sql`${bulkRuns.used} + 1` })
    .where(
      and(
        eq(bulkRuns.id, batchId),
        eq(bulkRuns.operatorId, operatorId),
        eq(bulkRuns.kind, kind),
        gt(bulkRuns.expiresAt, new Date(now)),
        lt(bulkRuns.used, bulkRuns.size),
      ),
    )
    .returning({ id: bulkRuns.id });
  return claimed.length === 1;
}

/**
 * Gives a call back to its run, in the closing transaction of a call the faucet refused without
 * committing anything (its own rate limit above all): the run sends that agent again, and the
 * retry must fit in the run's size.
 */
export async function releaseBulkCall(tx: StoreDatabase, batchId: string): Promise<void> {
  await tx
    .update(bulkRuns)
    .set({ used: sql`greatest(${bulkRuns.used} - 1, 0)` })
    .where(eq(bulkRuns.id, batchId));
}
