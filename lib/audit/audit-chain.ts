import "server-only";
import { eq, sql, type SQLWrapper } from "drizzle-orm";
import { auditChains, auditEvents } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import { GENESIS_HASH, keyedAuditRowHash, type HashedAuditFields } from "./audit-hash";
import type { AuditKey } from "./audit-keys";

/** A row as the recorder hands it over: the chain assigns position, prev_hash, the key and hash. */
export type NewAuditRow = Omit<HashedAuditFields, "position" | "prevHash" | "keyId">;

export type AppendedAuditRow = HashedAuditFields & { hash: string };

/**
 * One lock per chain, held to the end of the insert's transaction: two instances appending
 * to the same operator's chain take turns, so they can never both link to the same row
 * (the unique (chain, position) index would refuse the second anyway).
 */
export function chainLock(chain: string) {
  return sql`select pg_advisory_xact_lock(hashtext(${`audit-chain:${chain}`}))`;
}

/**
 * Appends one row to its chain: reads the chain's head under the chain's lock, links the row
 * to it, hashes it with the audit key (HMAC-SHA256), and moves the head, in one transaction.
 * Returns null when the row completes a pending event that another row completed already
 * (completions are never replaced).
 */
export async function appendAuditRow(
  db: StoreDatabase,
  row: NewAuditRow,
  key: AuditKey,
): Promise<AppendedAuditRow | null> {
  return db.transaction((tx) => appendAuditRowIn(tx, row, key));
}

/**
 * The heads of the chains a transaction has appended to, as it left them. It holds those chains'
 * locks to its end, so nobody else can move them: a second append in the same transaction (a
 * hand-off's expiry and the redeem refused for it) skips the lock and the head read. Keyed by
 * the transaction object: a new transaction starts with nothing.
 */
const headsHeld = new WeakMap<StoreDatabase, Map<string, { position: number; hash: string }>>();

/** Takes the chain's lock (held to the transaction's end), then reads its head: what it reads cannot move. */
async function lockedHead(tx: StoreDatabase, chain: string): Promise<{ position: number; hash: string }> {
  await tx.execute(chainLock(chain));
  const [stored] = await tx.select().from(auditChains).where(eq(auditChains.chain, chain)).limit(1);
  return { position: stored?.headPosition ?? 0, hash: stored?.headHash ?? GENESIS_HASH };
}

/**
 * appendAuditRow() inside the caller's transaction (lib/changes writes a pending event in the
 * same transaction as the rotation guard): the chain's lock is held until that transaction ends.
 */
export async function appendAuditRowIn(
  tx: StoreDatabase,
  row: NewAuditRow,
  key: AuditKey,
): Promise<AppendedAuditRow | null> {
  const [appended] = await appendAuditRowsIn(tx, [row], key);
  return appended ?? null;
}

/**
 * Appends several rows of one chain, in order, with one insert and one move of the head (a
 * rotation's completion and the events written beside it, such as its hand-off's). Only the
 * last row may complete a pending event: when another row completed it already, that row alone
 * is left out and the head stays on the row before it, so the chain never has a gap.
 * `withInserts`: inserts into other tables sent in the same statement (a WITH clause: PostgreSQL
 * runs each to completion, whether or not the insert reads it), the rows those events record.
 * Returns the rows appended.
 */
export async function appendAuditRowsIn(
  tx: StoreDatabase,
  rows: readonly NewAuditRow[],
  key: AuditKey,
  withInserts: readonly SQLWrapper[] = [],
): Promise<AppendedAuditRow[]> {
  const chain = rows[0]?.chain;
  if (chain === undefined) return [];
  if (rows.some((row) => row.chain !== chain)) throw new Error("appendAuditRowsIn appends to one chain at a time");
  if (rows.slice(0, -1).some((row) => row.completes !== null))
    throw new Error("appendAuditRowsIn: only the last row may complete a pending event");
  let held = headsHeld.get(tx);
  const head = held?.get(chain) ?? (await lockedHead(tx, chain));
  const linked: AppendedAuditRow[] = [];
  for (const row of rows) {
    const previous = linked.at(-1) ?? { position: head.position, hash: head.hash };
    const unhashed = { ...row, position: previous.position + 1, prevHash: previous.hash };
    const { keyId, hash } = keyedAuditRowHash(unhashed, key);
    linked.push({ ...unhashed, keyId, hash });
  }
  const beside = withInserts.map((insert, index) => tx.$with(`beside_${index}`, {}).as(insert.getSQL()));
  // The rows and the head's move in one statement: the head goes to the last row inserted, or
  // stays where it was when the completion was left out (its CTE returns only what it inserted).
  const inserted = tx
    .$with("inserted")
    .as(
      tx
        .insert(auditEvents)
        .values(linked)
        .onConflictDoNothing({ target: auditEvents.completes })
        .returning({ position: auditEvents.position, hash: auditEvents.hash }),
    );
  const newest = (column: "position" | "hash") =>
    sql`(select ${sql.identifier(column)} from ${inserted} order by "position" desc limit 1)`;
  const [moved] = await tx
    .with(...beside, inserted)
    .insert(auditChains)
    .values({
      chain,
      headPosition: sql`coalesce(${newest("position")}, ${head.position})`,
      headHash: sql`coalesce(${newest("hash")}, ${head.hash})`,
    })
    .onConflictDoUpdate({
      target: auditChains.chain,
      set: { headPosition: sql`excluded.head_position`, headHash: sql`excluded.head_hash` },
    })
    .returning({ headPosition: auditChains.headPosition });
  // Only the last row can have been left out (see above): the appended rows are a prefix.
  const appended = linked.filter((row) => row.position <= (moved?.headPosition ?? head.position));
  const last = appended.at(-1);
  if (!last) return [];
  if (!held) headsHeld.set(tx, (held = new Map()));
  held.set(chain, { position: last.position, hash: last.hash });
  return appended;
}
