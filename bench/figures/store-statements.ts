import { join } from "node:path";
import { REPO } from "../lib/build";
import { runToCompletion } from "../lib/processes";
import { readFileSync } from "node:fs";

export type StoreStatements = { engine: string; statements: number; transactions: number };

/**
 * Issue 17's "store statements per rotation": lib/changes/run-change.store.test.ts counts every
 * statement one agent rotation sends to a real store (both engines) and fails above the number
 * the README states; the bench runs that test and reads the counts it prints.
 */
export async function measureStoreStatements(logDir: string): Promise<StoreStatements[]> {
  const logFile = join(logDir, "store-statements.log");
  await runToCompletion(
    "vitest (statements per rotation)",
    join(REPO, "node_modules", ".bin", "vitest"),
    ["run", "lib/changes/run-change.store.test.ts", "-t", "one agent rotation sends"],
    {
      cwd: REPO,
      env: { ...process.env },
      logFile,
    },
  );
  const counts = [
    ...readFileSync(logFile, "utf8").matchAll(
      /(pglite|postgres): one agent rotation sent (\d+) statements in (\d+) transactions/g,
    ),
  ].map((match) => ({
    engine: match[1] ?? "",
    statements: Number(match[2]),
    transactions: Number(match[3]),
  }));
  if (counts.length === 0) throw new Error(`no statement counts in ${logFile}`);
  return counts;
}
