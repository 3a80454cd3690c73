import "server-only";
import { createHash, sign, verify } from "node:crypto";
import { mkdirSync } from "node:fs";
import { open, readFile } from "node:fs/promises";
import path from "node:path";
import { and, eq, isNotNull, min } from "drizzle-orm";
import { env, instanceId, secretsOf } from "@/lib/config/env";
import { log } from "@/lib/log";
import { getStore } from "@/lib/store/get-store";
import { auditChains, auditEvents } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import { GENESIS_HASH } from "./audit-hash";
import { auditKeyring, checkpointsBesideStoreNotice, type AuditKey, type AuditKeyring } from "./audit-keys";

/**
 * Signed checkpoints: the audit chains' heads, written outside the store, so that someone
 * who can rewrite the database (delete a chain's tail and move its head, drop a chain) is
 * still caught. The shape of CloudTrail's digest files and Certificate Transparency's
 * signed tree heads: each checkpoint is one JSON line, appended to AUDIT_CHECKPOINT_FILE
 * (opened for appending only, never rewritten) and summarised in the log, signed with
 * Ed25519 under a key derived from the audit key, and chained to the previous one by its
 * SHA-256 (`prev`). Each instance appends its own lines (`instance`, numbered `n` from 1 in
 * each run); a run's first line links to the last line the file held when it started.
 *
 * A checkpoint lists the chains that changed since this instance's previous one (all of
 * them in its first): head position and hash, retention's anchor, and where the chain's
 * keyed rows begin. Rows appended after the last checkpoint are covered only by the keyed
 * chain itself: the next checkpoint closes that window.
 */
export type CheckpointEntry = {
  chain: string;
  position: number;
  head: string;
  anchorPosition: number;
  anchorHash: string | null;
  /** The first position written with an audit key: an unkeyed row at or after it is a forgery. Null: none yet. */
  keyedFrom: number | null;
};

export type Checkpoint = {
  v: 1;
  instance: string;
  n: number;
  at: string;
  prev: string;
  keyId: string;
  chains: CheckpointEntry[];
  sig: string;
};

/** Written at least this often (when something changed), and after CHECKPOINT_AFTER_EVENTS events of this instance. */
const CHECKPOINT_EVERY_MS = 5 * 60_000;
const FIRST_CHECKPOINT_AFTER_MS = 10_000;
const CHECKPOINT_AFTER_EVENTS = 100;

function signedBytes(checkpoint: Omit<Checkpoint, "sig">): Buffer {
  const { v, instance, n, at, prev, keyId, chains } = checkpoint;
  const entries = chains.map((entry) => [
    entry.chain,
    entry.position,
    entry.head,
    entry.anchorPosition,
    entry.anchorHash,
    entry.keyedFrom,
  ]);
  return Buffer.from(JSON.stringify(["audit-checkpoint", v, instance, n, at, prev, keyId, entries]), "utf8");
}

export function signCheckpoint(body: Omit<Checkpoint, "sig">, key: AuditKey): Checkpoint {
  return { ...body, sig: sign(null, signedBytes(body), key.signing).toString("base64") };
}

export function lineHash(line: string): string {
  return createHash("sha256").update(line, "utf8").digest("hex");
}

/** Every chain's head and anchor as the store has them now, and where its keyed rows begin. */
async function chainStates(db: StoreDatabase, keyedFromCache: Map<string, number>): Promise<CheckpointEntry[]> {
  const heads = await db.select().from(auditChains).orderBy(auditChains.chain);
  const entries: CheckpointEntry[] = [];
  for (const head of heads) {
    let keyedFrom = keyedFromCache.get(head.chain) ?? null;
    if (keyedFrom === null) {
      const [first] = await db
        .select({ position: min(auditEvents.position) })
        .from(auditEvents)
        .where(and(eq(auditEvents.chain, head.chain), isNotNull(auditEvents.keyId)));
      keyedFrom = first?.position ?? null;
      if (keyedFrom !== null) keyedFromCache.set(head.chain, keyedFrom);
    }
    entries.push({
      chain: head.chain,
      position: head.headPosition,
      head: head.headHash,
      anchorPosition: head.anchorPosition,
      anchorHash: head.anchorHash,
      keyedFrom,
    });
  }
  return entries;
}

async function lastLineHash(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return GENESIS_HASH;
    throw error;
  }
  const lines = text.split("\n").filter((line) => line.trim() !== "");
  const last = lines.at(-1);
  return last === undefined ? GENESIS_HASH : lineHash(last);
}

const sameState = (a: CheckpointEntry, b: CheckpointEntry | undefined) =>
  b !== undefined &&
  a.position === b.position &&
  a.head === b.head &&
  a.anchorPosition === b.anchorPosition &&
  a.anchorHash === b.anchorHash &&
  a.keyedFrom === b.keyedFrom;

/** One instance's writer: remembers what it last wrote, so each line holds only what changed. */
export class CheckpointWriter {
  private n = 0;
  private prev: string | null = null;
  private readonly written = new Map<string, CheckpointEntry>();
  private readonly keyedFrom = new Map<string, number>();

  constructor(
    readonly file: string,
    private readonly instance: string,
    private readonly key: AuditKey,
  ) {}

  /** Writes a checkpoint if any chain changed since the last one (or none was written yet); returns it, or null. */
  async write(db: StoreDatabase, now = new Date()): Promise<Checkpoint | null> {
    const states = await chainStates(db, this.keyedFrom);
    const changed = states.filter((state) => !sameState(state, this.written.get(state.chain)));
    if (this.n > 0 && changed.length === 0) return null;
    for (const state of changed) {
      const before = this.written.get(state.chain);
      // The console never shortens a chain: a head behind what this instance checkpointed is tampering.
      if (before && state.position < before.position)
        log.error(
          `audit chain ${state.chain} is shorter (${state.position}) than its checkpoint (${before.position}); run audit:verify`,
        );
    }
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    this.prev ??= await lastLineHash(this.file);
    const checkpoint = signCheckpoint(
      {
        v: 1,
        instance: this.instance,
        n: this.n + 1,
        at: now.toISOString(),
        prev: this.prev,
        keyId: this.key.id,
        chains: changed,
      },
      this.key,
    );
    const line = JSON.stringify(checkpoint);
    // "a": every write goes to the end; the file is never truncated or rewritten.
    const handle = await open(this.file, "a", 0o600);
    try {
      await handle.write(`${line}\n`);
    } finally {
      await handle.close();
    }
    this.n = checkpoint.n;
    this.prev = lineHash(line);
    for (const state of changed) this.written.set(state.chain, state);
    log.info(
      `Audit checkpoint ${this.instance}#${checkpoint.n}: ${changed.length} chain${changed.length === 1 ? "" : "s"}, sha256 ${this.prev}, appended to ${this.file}`,
    );
    return checkpoint;
  }
}

const CHECKPOINTS_KEY = Symbol.for("faucet-console.audit-checkpoints");
type CheckpointState = { writer: CheckpointWriter; running: Promise<void> | null; events: number };

function checkpointState(): CheckpointState | undefined {
  return (globalThis as { [CHECKPOINTS_KEY]?: CheckpointState })[CHECKPOINTS_KEY];
}

function runCheckpoint(state: CheckpointState): Promise<void> {
  state.running ??= (async () => {
    try {
      const { db } = await getStore();
      await state.writer.write(db);
    } catch (error) {
      log.warn("writing an audit checkpoint failed; the next one tries again", error);
    } finally {
      state.running = null;
    }
  })();
  return state.running;
}

/** Called after each event this process appends: every CHECKPOINT_AFTER_EVENTS, a checkpoint off the request path. */
export function noteAuditAppend(): void {
  const state = checkpointState();
  if (!state) return;
  state.events++;
  if (state.events % CHECKPOINT_AFTER_EVENTS === 0) setTimeout(() => void runCheckpoint(state), 0).unref();
}

/**
 * Starts this process's checkpoints, once (instrumentation.ts calls it): shortly after start,
 * then every five minutes when anything changed, and after every hundred events, on unref'd
 * timers, never on a request.
 */
export function startAuditCheckpoints(): void {
  const global = globalThis as { [CHECKPOINTS_KEY]?: CheckpointState };
  if (global[CHECKPOINTS_KEY]) return;
  const file = env().auditCheckpointFile;
  const state: CheckpointState = {
    writer: new CheckpointWriter(file, instanceId(), auditKeyring().current),
    running: null,
    events: 0,
  };
  global[CHECKPOINTS_KEY] = state;
  const notice = checkpointsBesideStoreNotice(secretsOf(), env().dataDir, file);
  if (notice) log.warn(notice);
  setTimeout(() => void runCheckpoint(state), FIRST_CHECKPOINT_AFTER_MS).unref();
  setInterval(() => void runCheckpoint(state), CHECKPOINT_EVERY_MS).unref();
}

/** A problem with the checkpoint files themselves: a line that is not a checkpoint, a bad signature, a broken link. */
export type CheckpointFileProblem = { file: string; line: number; damage: "forged" | "deleted"; detail: string };

export type CheckpointSet = {
  /** Every entry per chain, with where it came from. */
  byChain: Map<string, { entry: CheckpointEntry; source: string }[]>;
  checkpoints: number;
  problems: CheckpointFileProblem[];
};

function isCheckpoint(value: unknown): value is Checkpoint {
  const c = value as Checkpoint;
  return (
    typeof c === "object" &&
    c !== null &&
    c.v === 1 &&
    typeof c.instance === "string" &&
    Number.isInteger(c.n) &&
    typeof c.at === "string" &&
    typeof c.prev === "string" &&
    typeof c.keyId === "string" &&
    typeof c.sig === "string" &&
    Array.isArray(c.chains) &&
    c.chains.every(
      (e) =>
        typeof e?.chain === "string" &&
        Number.isInteger(e.position) &&
        typeof e.head === "string" &&
        Number.isInteger(e.anchorPosition),
    )
  );
}

/**
 * Reads checkpoint files (one per instance, or shared): checks each line's signature with
 * the keyring's key of its keyId, each instance's numbering and links, and collects every
 * entry per chain. Throws only when a file cannot be read.
 */
export async function readCheckpointFiles(files: readonly string[], keyring: AuditKeyring): Promise<CheckpointSet> {
  const set: CheckpointSet = { byChain: new Map(), checkpoints: 0, problems: [] };
  for (const file of files) {
    const lines = (await readFile(file, "utf8")).split("\n");
    const seen = new Set<string>([GENESIS_HASH]);
    const last = new Map<string, { n: number; hash: string }>();
    for (const [index, line] of lines.entries()) {
      if (line.trim() === "") continue;
      const problem = (detail: string, damage: "forged" | "deleted" = "forged") =>
        set.problems.push({ file, line: index + 1, damage, detail });
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        problem("it is not a checkpoint (not JSON)");
        continue;
      }
      if (!isCheckpoint(parsed)) {
        problem("it is not a checkpoint (fields missing or malformed)");
        continue;
      }
      const { sig, ...body } = parsed;
      const key = keyring.byId.get(parsed.keyId);
      const signed = key !== undefined && verify(null, signedBytes(body), key.verifying, Buffer.from(sig, "base64"));
      if (!key)
        problem(
          `checkpoint ${parsed.instance}#${parsed.n}: its signature cannot be checked, audit key ${parsed.keyId} is not configured`,
        );
      else if (!signed)
        problem(`checkpoint ${parsed.instance}#${parsed.n}: its signature does not verify, it was forged or altered`);
      // The links are checked whatever the signature: a line removed shows at the next one.
      // A run's first line (n = 1, also after a restart under the same INSTANCE_ID) links to a line already in the file.
      const previous = last.get(parsed.instance);
      const linked =
        parsed.n === 1
          ? seen.has(parsed.prev)
          : previous !== undefined && parsed.n === previous.n + 1 && parsed.prev === previous.hash;
      if (!linked) {
        problem(
          `checkpoint ${parsed.instance}#${parsed.n} does not link to the one before it: checkpoints were deleted or reordered`,
          "deleted",
        );
      }
      const hash = lineHash(line);
      seen.add(hash);
      last.set(parsed.instance, { n: parsed.n, hash });
      if (!signed) continue;
      set.checkpoints++;
      for (const entry of parsed.chains) {
        const list = set.byChain.get(entry.chain) ?? [];
        list.push({
          entry: { ...entry, anchorHash: entry.anchorHash ?? null, keyedFrom: entry.keyedFrom ?? null },
          source: `checkpoint ${parsed.instance}#${parsed.n} of ${parsed.at} (${path.basename(file)})`,
        });
        set.byChain.set(entry.chain, list);
      }
    }
  }
  return set;
}
