import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import { auditChains, auditEvents } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import { auditRowHash, GENESIS_HASH } from "./audit-hash";

export type ChainDamage = "edited" | "deleted" | "reordered";

export type ChainProblem = {
  chain: string;
  /** The event named: the edited or moved one, or for a deletion the first event after the gap (null when the tail went). */
  eventId: string | null;
  position: number;
  damage: ChainDamage;
  detail: string;
};

export type VerifyReport = { ok: true; chains: number; events: number } | { ok: false; problem: ChainProblem; chains: number; events: number };

/** Rows read per query: a chain of millions is walked in constant memory. */
const BATCH = 5_000;
/** How far a moved row is looked for (by the position its hash was made with). */
const MOVE_WINDOW = 64;

type Row = typeof auditEvents.$inferSelect;

function movedFrom(row: Row): number | null {
  for (let offset = -MOVE_WINDOW; offset <= MOVE_WINDOW; offset++) {
    const position = row.position + offset;
    if (offset !== 0 && position > 0 && auditRowHash({ ...row, position }) === row.hash) return position;
  }
  return null;
}

/**
 * Walks one chain in position order from where retention left it (its anchor) to its head.
 * The first broken link wins:
 * - a row whose fields no longer hash to its stored hash was edited (or, if it hashes at
 *   another position, moved: reordered);
 * - a gap in positions, or a head beyond the last row, means rows were deleted;
 * - a row that does not link to its predecessor's hash follows a row that was rewritten
 *   with a recomputed hash (edited) or was put in another row's place (reordered);
 * - insertion order (seq) running backwards means rows were reordered.
 */
async function verifyChain(db: StoreDatabase, chain: string): Promise<{ problem: ChainProblem | null; events: number }> {
  const [meta] = await db.select().from(auditChains).where(eq(auditChains.chain, chain)).limit(1);
  const anchorPosition = meta?.anchorPosition ?? 0;
  let expectedPosition = anchorPosition + 1;
  let expectedPrevHash = meta?.anchorHash ?? GENESIS_HASH;
  let previous: Row | null = null;
  const seenHashes = new Set<string>();
  let events = 0;
  const problem = (row: Row | null, position: number, damage: ChainDamage, detail: string) => ({
    problem: { chain, eventId: row?.id ?? null, position, damage, detail },
    events,
  });

  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), gt(auditEvents.position, expectedPosition - 1)))
      .orderBy(asc(auditEvents.position))
      .limit(BATCH);
    for (const row of rows) {
      events++;
      if (auditRowHash(row) !== row.hash) {
        const from = movedFrom(row);
        return from === null
          ? problem(row, row.position, "edited", "its fields no longer match its hash")
          : problem(row, row.position, "reordered", `it was recorded at position ${from}`);
      }
      if (row.position > expectedPosition) {
        const missing = row.position - expectedPosition;
        return problem(row, expectedPosition, "deleted", `${missing} event${missing === 1 ? "" : "s"} before it (from position ${expectedPosition}) are missing`);
      }
      if (row.prevHash !== expectedPrevHash) {
        if (seenHashes.has(row.prevHash)) return problem(row, row.position, "reordered", "it links to an earlier event than the one before it");
        return previous
          ? problem(previous, previous.position, "edited", "it was rewritten: the next event recorded a different hash for it")
          : problem(row, row.position, "edited", "it does not link to where the retained chain begins");
      }
      if (previous && row.seq < previous.seq) return problem(row, row.position, "reordered", "it was stored before the event it follows");
      seenHashes.add(row.hash);
      previous = row;
      expectedPosition = row.position + 1;
      expectedPrevHash = row.hash;
    }
    if (rows.length < BATCH) break;
  }
  const lastPosition = expectedPosition - 1;
  if (meta && meta.headPosition > lastPosition) {
    const missing = meta.headPosition - lastPosition;
    return problem(null, expectedPosition, "deleted", `the last ${missing === 1 ? "event" : `${missing} events`} of the chain (from position ${expectedPosition}) are missing`);
  }
  // Rows past the head were appended after the head was read (a live store): only an equal position compares.
  if (meta && previous && meta.headPosition === previous.position && meta.headHash !== previous.hash) {
    return problem(previous, previous.position, "edited", "it does not match the chain's recorded head");
  }
  return { problem: null, events };
}

/** Every chain in the store, each walked to its head; stops at the first problem found. */
export async function verifyAuditChains(db: StoreDatabase): Promise<VerifyReport> {
  const fromEvents = await db.selectDistinct({ chain: auditEvents.chain }).from(auditEvents);
  const fromHeads = await db.select({ chain: auditChains.chain }).from(auditChains);
  const chains = [...new Set([...fromEvents, ...fromHeads].map((row) => row.chain))].sort();
  let events = 0;
  for (const [index, chain] of chains.entries()) {
    let result = await verifyChain(db, chain);
    // A live store may prune a chain's start between reading its anchor and its rows: a
    // problem counts only if a second walk finds it too.
    if (result.problem) result = await verifyChain(db, chain);
    events += result.events;
    if (result.problem) return { ok: false, problem: result.problem, chains: index + 1, events };
  }
  return { ok: true, chains: chains.length, events };
}

export function describeChainProblem(problem: ChainProblem): string {
  const event = problem.eventId ? `event ${problem.eventId}` : "the chain's last events";
  return `${event} (chain ${problem.chain}, position ${problem.position}) was ${problem.damage}: ${problem.detail}`;
}
