import "server-only";
import { and, asc, eq, gt } from "drizzle-orm";
import { auditChains, auditEvents } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import type { CheckpointEntry, CheckpointSet } from "./audit-checkpoints";
import { auditAnchorMac, expectedAuditRowHash, GENESIS_HASH } from "./audit-hash";
import type { AuditKeyring } from "./audit-keys";

/** "forged": a checkpoint line whose signature fails, or that is not a checkpoint at all. */
export type ChainDamage = "edited" | "deleted" | "reordered" | "forged";

export type ChainProblem = {
  /** The chain, or for a checkpoint file's own problem "checkpoints <file>". */
  chain: string;
  /** The event named: the edited or moved one, or for a deletion the first event after the gap (null when the tail went). */
  eventId: string | null;
  /** The position in the chain (for a checkpoint file, the line). */
  position: number;
  damage: ChainDamage;
  detail: string;
};

type Counts = {
  chains: number;
  events: number;
  /** Rows written before audit keys (plain SHA-256): they prove nothing against a database writer. */
  unkeyed: number;
  checkpoints: number;
};

export type VerifyReport =
  ({ ok: true } & Counts) | ({ ok: false; problem: ChainProblem; problems: ChainProblem[] } & Counts);

export type VerifyOptions = {
  keyring: AuditKeyring;
  /** The checkpoints read from outside the store; without them only the keyed chain is checked. */
  checkpoints?: CheckpointSet;
  /** AUDIT_RETENTION_DAYS as the console has it: an anchor that pruned younger events is reported. */
  retentionDays?: number;
  /**
   * Accept rows written before audit keys (plain SHA-256, key_id null) and an unsigned retention
   * anchor, as a store from an earlier version has them: only in front of a chain's first keyed
   * row. Off by default: anyone who can write the database can recompute an unkeyed chain, and
   * the console writes only keyed rows, so without this opt-in every unkeyed row is tampering.
   */
  acceptUnkeyed?: boolean;
};

/** Rows read per query: a chain of millions is walked in constant memory. */
const BATCH = 5_000;
/** How far a moved row is looked for (by the position its hash was made with). */
const MOVE_WINDOW = 64;
const DAY_MS = 86_400_000;
/** Pruning computes its cut-off a moment before it records the anchor. */
const RETENTION_SLACK_MS = 60_000;

type Row = typeof auditEvents.$inferSelect;
type Sourced = { entry: CheckpointEntry; source: string };

function movedFrom(row: Row, keyring: AuditKeyring): number | null {
  for (let offset = -MOVE_WINDOW; offset <= MOVE_WINDOW; offset++) {
    const position = row.position + offset;
    if (offset !== 0 && position > 0 && expectedAuditRowHash({ ...row, position }, keyring) === row.hash)
      return position;
  }
  return null;
}

function highest(entries: readonly Sourced[], by: (entry: CheckpointEntry) => number): Sourced | null {
  let best: Sourced | null = null;
  for (const sourced of entries) if (!best || by(sourced.entry) > by(best.entry)) best = sourced;
  return best;
}

/**
 * Walks one chain in position order from where retention left it (its anchor) to its head,
 * and holds it against the checkpoints. The first broken link wins:
 * - retention's anchor must carry the audit key's MAC (only the console's pruning moves it),
 *   must not cut off events younger than the retention period, and must not be behind a
 *   checkpoint's anchor;
 * - a row whose fields no longer hash (HMAC under its key) to its stored hash was edited
 *   (or, if it hashes at another position, moved: reordered); a row claiming to be unkeyed
 *   after keyed ones was rewritten by someone without the key;
 * - a gap in positions, or a head beyond the last row, means rows were deleted;
 * - a row that does not link to its predecessor's hash follows a row that was rewritten
 *   with a recomputed hash (edited) or was put in another row's place (reordered);
 * - insertion order (seq) running backwards means rows were reordered;
 * - a row that disagrees with a checkpoint's head at its position was rewritten, and a
 *   chain that ends before a checkpoint's head lost its tail.
 */
async function verifyChain(
  db: StoreDatabase,
  chain: string,
  { keyring, retentionDays, acceptUnkeyed = false }: VerifyOptions,
  checkpoints: readonly Sourced[],
): Promise<{ problem: ChainProblem | null; events: number; unkeyed: number }> {
  const [meta] = await db.select().from(auditChains).where(eq(auditChains.chain, chain)).limit(1);
  const anchorPosition = meta?.anchorPosition ?? 0;
  let expectedPosition = anchorPosition + 1;
  let expectedPrevHash = meta?.anchorHash ?? GENESIS_HASH;
  let previous: Row | null = null;
  const seenHashes = new Set<string>();
  let events = 0;
  let unkeyed = 0;
  const problem = (row: Row | null, position: number, damage: ChainDamage, detail: string) => ({
    problem: { chain, eventId: row?.id ?? null, position, damage, detail },
    events,
    unkeyed,
  });

  const checkpointAnchor = highest(checkpoints, (entry) => entry.anchorPosition);
  // Where the events no proof covers begin: after the last anchor a checkpoint saw.
  const unprovenFrom = (checkpointAnchor?.entry.anchorPosition ?? 0) + 1;
  let unsignedAnchor = false;
  if (meta && anchorPosition > 0) {
    const key = meta.anchorKeyId ? keyring.byId.get(meta.anchorKeyId) : undefined;
    if (meta.anchorMac === null && meta.anchorKeyId === null) {
      if (!acceptUnkeyed) {
        return problem(
          null,
          unprovenFrom,
          "deleted",
          `retention's anchor (position ${anchorPosition}) is unsigned: events were deleted and the anchor moved without the audit key (an anchor from an earlier version is accepted only with --accept-unkeyed)`,
        );
      }
      unsignedAnchor = true;
    } else if (
      !key ||
      !meta.anchorHash ||
      !meta.anchorBefore ||
      !meta.anchoredAt ||
      auditAnchorMac(
        {
          chain,
          position: anchorPosition,
          hash: meta.anchorHash,
          before: meta.anchorBefore,
          anchoredAt: meta.anchoredAt,
        },
        key,
      ) !== meta.anchorMac
    ) {
      return problem(
        null,
        unprovenFrom,
        "deleted",
        `retention's anchor (position ${anchorPosition}) is not signed by the audit key: events were deleted and the anchor moved as pruning would`,
      );
    } else if (
      retentionDays !== undefined &&
      meta.anchorBefore.getTime() > meta.anchoredAt.getTime() - retentionDays * DAY_MS + RETENTION_SLACK_MS
    ) {
      const days = ((meta.anchoredAt.getTime() - meta.anchorBefore.getTime()) / DAY_MS).toFixed(1);
      return problem(
        null,
        unprovenFrom,
        "deleted",
        `retention's anchor (position ${anchorPosition}) pruned events younger than AUDIT_RETENTION_DAYS (${retentionDays}) allows: its cut-off was ${days} days before it was set`,
      );
    }
  }
  if (checkpointAnchor && checkpointAnchor.entry.anchorPosition > anchorPosition) {
    return problem(
      null,
      anchorPosition + 1,
      "edited",
      `retention's anchor is at position ${anchorPosition}, behind the ${checkpointAnchor.entry.anchorPosition} that ${checkpointAnchor.source} saw`,
    );
  }
  if (unsignedAnchor && checkpoints.some(({ entry }) => entry.anchorPosition < anchorPosition)) {
    return problem(
      null,
      unprovenFrom,
      "deleted",
      `retention's anchor (position ${anchorPosition}) is unsigned and moved since ${checkpointAnchor?.source ?? "a checkpoint"}: events were deleted and the anchor moved`,
    );
  }
  for (const { entry, source } of checkpoints) {
    if (entry.anchorPosition === anchorPosition && anchorPosition > 0 && entry.anchorHash !== meta?.anchorHash) {
      return problem(null, anchorPosition, "edited", `retention's anchor disagrees with ${source}`);
    }
  }

  const heads = new Map<number, Sourced[]>();
  for (const sourced of checkpoints)
    heads.set(sourced.entry.position, [...(heads.get(sourced.entry.position) ?? []), sourced]);
  const keyedFromEntries = checkpoints.filter(({ entry }) => entry.keyedFrom !== null);
  const keyedFrom =
    keyedFromEntries.length > 0
      ? Math.min(...keyedFromEntries.map(({ entry }) => entry.keyedFrom ?? Infinity))
      : Infinity;
  let keyedSeen = false;

  for (;;) {
    const rows = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.chain, chain), gt(auditEvents.position, expectedPosition - 1)))
      .orderBy(asc(auditEvents.position))
      .limit(BATCH);
    for (const row of rows) {
      events++;
      if (row.keyId === null) {
        unkeyed++;
        if (!acceptUnkeyed)
          return problem(
            row,
            row.position,
            "edited",
            "it claims to be written before audit keys (plain SHA-256, which anyone can recompute): the console writes only keyed events, so it was rewritten without the key (a store from an earlier version is accepted only with --accept-unkeyed)",
          );
        if (keyedSeen)
          return problem(
            row,
            row.position,
            "edited",
            "it claims to be written before audit keys (plain SHA-256) but follows keyed events: it was rewritten without the key",
          );
        if (row.position >= keyedFrom)
          return problem(
            row,
            row.position,
            "edited",
            `it claims to be written before audit keys (plain SHA-256), but a checkpoint saw keyed events from position ${keyedFrom}: it was rewritten without the key`,
          );
      } else {
        keyedSeen = true;
        if (unsignedAnchor && events === 1) {
          return problem(
            row,
            unprovenFrom,
            "deleted",
            `retention's anchor (position ${anchorPosition}) is not signed by the audit key: events were deleted and the anchor moved as pruning would`,
          );
        }
      }
      if (expectedAuditRowHash(row, keyring) !== row.hash) {
        const from = movedFrom(row, keyring);
        return from === null
          ? problem(
              row,
              row.position,
              "edited",
              row.keyId === null
                ? "its fields no longer match its hash"
                : "its fields no longer match its keyed hash (HMAC under the audit key)",
            )
          : problem(row, row.position, "reordered", `it was recorded at position ${from}`);
      }
      if (row.position > expectedPosition) {
        const missing = row.position - expectedPosition;
        return problem(
          row,
          expectedPosition,
          "deleted",
          `${missing} event${missing === 1 ? "" : "s"} before it (from position ${expectedPosition}) are missing`,
        );
      }
      if (row.prevHash !== expectedPrevHash) {
        if (seenHashes.has(row.prevHash))
          return problem(row, row.position, "reordered", "it links to an earlier event than the one before it");
        return previous
          ? problem(
              previous,
              previous.position,
              "edited",
              "it was rewritten: the next event recorded a different hash for it",
            )
          : problem(row, row.position, "edited", "it does not link to where the retained chain begins");
      }
      if (previous && row.seq < previous.seq)
        return problem(row, row.position, "reordered", "it was stored before the event it follows");
      const disagreeing = heads.get(row.position)?.find(({ entry }) => entry.head !== row.hash);
      if (disagreeing)
        return problem(
          row,
          row.position,
          "edited",
          `it disagrees with ${disagreeing.source}: the chain was rewritten from here or earlier`,
        );
      seenHashes.add(row.hash);
      previous = row;
      expectedPosition = row.position + 1;
      expectedPrevHash = row.hash;
    }
    if (rows.length < BATCH) break;
  }
  const lastPosition = expectedPosition - 1;
  // An anchor from before audit keys stands only in front of unkeyed rows: with none after it, nothing shows it is old.
  if (unsignedAnchor && events === 0) {
    return problem(
      null,
      unprovenFrom,
      "deleted",
      `retention's anchor (position ${anchorPosition}) is not signed by the audit key and no event follows it: the chain's events were deleted and the anchor moved`,
    );
  }
  if (meta && meta.headPosition > lastPosition) {
    const missing = meta.headPosition - lastPosition;
    return problem(
      null,
      expectedPosition,
      "deleted",
      `the last ${missing === 1 ? "event" : `${missing} events`} of the chain (from position ${expectedPosition}) are missing`,
    );
  }
  // Rows past the head were appended after the head was read (a live store): only an equal position compares.
  if (meta && previous && meta.headPosition === previous.position && meta.headHash !== previous.hash) {
    return problem(previous, previous.position, "edited", "it does not match the chain's recorded head");
  }
  const furthest = highest(checkpoints, (entry) => entry.position);
  if (furthest && furthest.entry.position > lastPosition) {
    return problem(
      null,
      expectedPosition,
      "deleted",
      `the chain ends at position ${lastPosition}, but ${furthest.source} saw it reach ${furthest.entry.position}: its last events were deleted (and its head moved back)`,
    );
  }
  return { problem: null, events, unkeyed };
}

/**
 * Every chain in the store and in the checkpoints, each walked to its head; reports the
 * first problem of each chain (and of each checkpoint file). Throws UnknownAuditKeyError
 * when a row names a key the keyring does not hold.
 */
export async function verifyAuditChains(db: StoreDatabase, options: VerifyOptions): Promise<VerifyReport> {
  const fromEvents = await db.selectDistinct({ chain: auditEvents.chain }).from(auditEvents);
  const fromHeads = await db.select({ chain: auditChains.chain }).from(auditChains);
  const inStore = new Set([...fromEvents, ...fromHeads].map((row) => row.chain));
  const checkpointed = options.checkpoints?.byChain ?? new Map<string, Sourced[]>();
  const chains = [...new Set([...inStore, ...checkpointed.keys()])].sort();
  const problems: ChainProblem[] = (options.checkpoints?.problems ?? []).map((fileProblem) => ({
    chain: `checkpoints ${fileProblem.file}`,
    eventId: null,
    position: fileProblem.line,
    damage: fileProblem.damage,
    detail: fileProblem.detail,
  }));
  let events = 0;
  let unkeyed = 0;
  for (const chain of chains) {
    const seen = checkpointed.get(chain) ?? [];
    if (!inStore.has(chain)) {
      const furthest = highest(seen, (entry) => entry.position);
      const from = (highest(seen, (entry) => entry.anchorPosition)?.entry.anchorPosition ?? 0) + 1;
      problems.push({
        chain,
        eventId: null,
        position: from,
        damage: "deleted",
        detail: `${furthest?.source ?? "a checkpoint"} saw this chain at position ${furthest?.entry.position ?? "?"}, but the store holds neither its events nor its head: the whole chain was deleted`,
      });
      continue;
    }
    let result = await verifyChain(db, chain, options, seen);
    // A live store may prune a chain's start between reading its anchor and its rows: a
    // problem counts only if a second walk finds it too.
    if (result.problem) result = await verifyChain(db, chain, options, seen);
    events += result.events;
    unkeyed += result.unkeyed;
    if (result.problem) problems.push(result.problem);
  }
  const counts = { chains: chains.length, events, unkeyed, checkpoints: options.checkpoints?.checkpoints ?? 0 };
  const [first] = problems;
  return first ? { ok: false, problem: first, problems, ...counts } : { ok: true, ...counts };
}

export function describeChainProblem(problem: ChainProblem): string {
  if (problem.chain.startsWith("checkpoints ")) return `${problem.chain}, line ${problem.position}: ${problem.detail}`;
  const event = problem.eventId ? `event ${problem.eventId}` : "the chain's events";
  return `${event} (chain ${problem.chain}, position ${problem.position}) was ${problem.damage}: ${problem.detail}`;
}
