import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/**
 * A new directory for a test's files, under /dev/shm where the machine has it: the tests' PGlite
 * stores write thousands of small files, and on tmpfs a store's copy and removal cost a third of
 * what they cost on the disk's file system (no journal). Elsewhere, the system's temp dir.
 */
export function scratchDir(prefix: string): string {
  return mkdtempSync(path.join(existsSync("/dev/shm") ? "/dev/shm" : tmpdir(), prefix));
}
