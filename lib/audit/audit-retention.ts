import "server-only";
import { and, asc, eq, lte, max } from "drizzle-orm";
import { env } from "@/lib/config/env";
import { log } from "@/lib/log";
import { getStore } from "@/lib/store/get-store";
import { auditChains, auditEvents } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import { chainLock } from "./audit-chain";
import { auditAnchorMac } from "./audit-hash";
import { auditKeyring, type AuditKey } from "./audit-keys";

const DAY_MS = 86_400_000;
/** Rows deleted per transaction: pruning a large backlog never holds a chain's lock for long. */
const PRUNE_BATCH = 5_000;
/** Pruning runs this often in each instance (and once shortly after start). */
const PRUNE_EVERY_MS = 6 * 60 * 60 * 1000;
const FIRST_PRUNE_AFTER_MS = 60_000;

/**
 * Deletes each chain's events older than `before`, oldest first, and moves the chain's
 * anchor to the last deleted event (its position and hash) in the same transaction, under
 * the chain's lock: the retained chain then begins where the anchor says, and verify stays
 * clean. The anchor (position, hash, cut-off, time) is MACed with the audit key, so nobody
 * without it can delete a chain's first events and move the anchor as pruning would.
 * Returns how many events went.
 */
export async function pruneAuditLog(db: StoreDatabase, before: Date, key: AuditKey): Promise<number> {
  const chains = await db.select({ chain: auditChains.chain }).from(auditChains);
  let pruned = 0;
  for (const { chain } of chains) {
    for (;;) {
      const deleted = await db.transaction(async (tx) => {
        await tx.execute(chainLock(chain));
        const [last] = await tx
          .select({ position: max(auditEvents.position) })
          .from(auditEvents)
          .where(and(eq(auditEvents.chain, chain), lte(auditEvents.at, before)));
        if (!last?.position) return 0;
        const [first] = await tx
          .select({ position: auditEvents.position })
          .from(auditEvents)
          .where(eq(auditEvents.chain, chain))
          .orderBy(asc(auditEvents.position))
          .limit(1);
        if (!first) return 0;
        const upTo = Math.min(last.position, first.position + PRUNE_BATCH - 1);
        const [anchor] = await tx
          .select({ hash: auditEvents.hash })
          .from(auditEvents)
          .where(and(eq(auditEvents.chain, chain), eq(auditEvents.position, upTo)))
          .limit(1);
        // A gap at the cut (a row already missing): leave the chain as it is for verify to report.
        if (!anchor) return 0;
        const gone = await tx
          .delete(auditEvents)
          .where(and(eq(auditEvents.chain, chain), lte(auditEvents.position, upTo)))
          .returning({ id: auditEvents.id });
        const anchoredAt = new Date();
        const anchorMac = auditAnchorMac({ chain, position: upTo, hash: anchor.hash, before, anchoredAt }, key);
        await tx
          .update(auditChains)
          .set({
            anchorPosition: upTo,
            anchorHash: anchor.hash,
            anchoredAt,
            anchorBefore: before,
            anchorKeyId: key.id,
            anchorMac,
          })
          .where(eq(auditChains.chain, chain));
        return gone.length;
      });
      pruned += deleted;
      if (deleted === 0) break;
    }
  }
  return pruned;
}

const PRUNER_KEY = Symbol.for("faucet-console.audit-pruner");

/**
 * Starts this process's pruning timer, once (instrumentation.ts calls it). Off the request
 * path and unref'd, so it never holds a request or the process's exit. Instances prune
 * concurrently without harm: each batch runs under the chain's lock.
 */
export function startAuditPruning(): void {
  const global = globalThis as { [PRUNER_KEY]?: boolean };
  if (global[PRUNER_KEY]) return;
  global[PRUNER_KEY] = true;
  const days = env().auditRetentionDays;
  const run = async () => {
    try {
      const { db } = await getStore();
      const pruned = await pruneAuditLog(db, new Date(Date.now() - days * DAY_MS), auditKeyring().current);
      if (pruned > 0)
        log.info(
          `Audit log: ${pruned} events older than ${days} days pruned; each chain's anchor records where it now begins`,
        );
    } catch (error) {
      log.warn("pruning the audit log failed; the next run tries again", error);
    }
  };
  setTimeout(run, FIRST_PRUNE_AFTER_MS).unref();
  setInterval(run, PRUNE_EVERY_MS).unref();
}
