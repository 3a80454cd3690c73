import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { persistedStateSchema } from "./persisted-schema";
import type { PersistedState } from "./state";

/**
 * Durable storage for one data dir: a JSON state file replaced atomically, and a lock
 * file so two processes never serve (and overwrite) the same state.
 *
 * Everything is synchronous on purpose: an action mutates memory and reaches the disk
 * inside one event-loop turn, so no other request can observe or interleave with a
 * half-applied change, and the reply is only built once the write is durable.
 */

export const STATE_FILE = "state.json";
export const LOCK_FILE = "faucet.lock";

export type DataDir = {
  /** The saved state, or null for a data dir that has never been written. Throws on a corrupt file. */
  load(): PersistedState | null;
  save(state: PersistedState): void;
  /** Writes a small secret file (mode 0600) with the same atomic replace as the state. */
  writeSecretFile(name: string, contents: string): void;
  readTextFile(name: string): string | null;
  release(): void;
};

export class DataDirError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataDirError";
  }
}

export function openDataDir(dataDir: string): DataDir {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const releaseLock = acquireLock(join(dataDir, LOCK_FILE));
  removeLeftoverTempFiles(dataDir);
  const statePath = join(dataDir, STATE_FILE);
  let released = false;

  return {
    load: () => loadState(statePath),
    save: (state) => atomicWrite(dataDir, STATE_FILE, JSON.stringify(state), 0o600),
    writeSecretFile: (name, contents) => atomicWrite(dataDir, name, contents, 0o600),
    readTextFile: (name) => {
      const path = join(dataDir, name);
      return existsSync(path) ? readFileSync(path, "utf8") : null;
    },
    release: () => {
      if (released) return;
      released = true;
      releaseLock();
    },
  };
}

function loadState(statePath: string): PersistedState | null {
  if (!existsSync(statePath)) return null;
  const text = readFileSync(statePath, "utf8");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw corrupt(statePath, error instanceof Error ? error.message : String(error));
  }
  const parsed = persistedStateSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw corrupt(statePath, first ? `${first.path.join(".") || "(root)"}: ${first.message}` : "invalid shape");
  }
  return parsed.data;
}

function corrupt(path: string, detail: string): DataDirError {
  // Never wipe it ourselves: the file may hold the only copy of real balances and key hashes.
  return new DataDirError(
    `Faucet state file ${path} is corrupt (${detail}). Refusing to start so nothing is lost; ` +
      `move the file aside (or point FAUCET_DATA_DIR elsewhere) to start with a fresh state.`,
  );
}

/**
 * Write temp → fsync → rename → fsync dir. A crash at any point leaves either the old
 * file or the new one, never a mix; a crash before the rename leaves only a temp file,
 * which the next start deletes.
 */
function atomicWrite(dir: string, name: string, contents: string, mode: number): void {
  const target = join(dir, name);
  const temp = join(dir, `${name}.tmp-${process.pid}`);
  const fd = openSync(temp, "w", mode);
  try {
    writeSync(fd, contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, target);
  fsyncDir(dir);
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function removeLeftoverTempFiles(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    if (name.includes(".tmp-")) unlinkSync(join(dataDir, name));
  }
}

// ---- lock -------------------------------------------------------------------

const lockContentsSchema = z.object({ pid: z.int().positive() });

function acquireLock(lockPath: string): () => void {
  // Two rounds: the second runs after a stale lock was removed. If another process
  // takes it over in between, that process wins and we report it as the holder.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, "wx", 0o600);
      try {
        writeSync(fd, JSON.stringify({ pid: process.pid }));
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      return () => releaseLock(lockPath);
    } catch (error) {
      if (!isErrno(error, "EEXIST")) throw error;
    }
    const holder = readLockHolder(lockPath);
    if (holder !== null && isAlive(holder)) {
      const who = holder === process.pid ? "this process (another emulator instance)" : `process ${holder}`;
      throw new DataDirError(
        `Faucet data dir is in use by ${who} (lock file ${lockPath}). ` +
          `Stop it first, or give this instance its own FAUCET_DATA_DIR.`,
      );
    }
    // The holder died without cleaning up (or the lock is unreadable): take it over.
    try {
      unlinkSync(lockPath);
    } catch (error) {
      if (!isErrno(error, "ENOENT")) throw error;
    }
  }
  throw new DataDirError(`Could not take the faucet lock ${lockPath}: another process keeps taking it.`);
}

function readLockHolder(lockPath: string): number | null {
  try {
    const parsed = lockContentsSchema.safeParse(JSON.parse(readFileSync(lockPath, "utf8")));
    return parsed.success ? parsed.data.pid : null;
  } catch {
    return null;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return isErrno(error, "EPERM");
  }
}

function releaseLock(lockPath: string): void {
  // Only remove the lock if it is still ours; a takeover by another process must survive.
  if (readLockHolder(lockPath) === process.pid) {
    try {
      unlinkSync(lockPath);
    } catch {
      // Already gone: nothing to release.
    }
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}
