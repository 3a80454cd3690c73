import { rmSync } from "node:fs";
import path from "node:path";
import { resetEnv } from "@/lib/config/env";
import { closeStore, getStore } from "@/lib/store/get-store";
import { scratchDir } from "./scratch-dir";
import { copyPristinePgliteDir, createDatabase } from "./test-stores";

/**
 * Points the process's one store (getStore()) at a fresh PGlite directory (a copy of the
 * pristine one: see copyPristinePgliteDir) or a fresh database on the throwaway cluster, for tests of modules that use getStore() themselves.
 * Returns a function that closes it and removes what it made.
 */
export async function useFreshProcessStore(
  engine: "pglite" | "postgres",
  clusterUrl: string,
): Promise<() => Promise<void>> {
  await closeStore();
  let dir: string | undefined;
  if (engine === "postgres") {
    process.env.DATABASE_URL = await createDatabase(clusterUrl);
  } else {
    delete process.env.DATABASE_URL;
    dir = scratchDir("faucet-console-process-store-");
    copyPristinePgliteDir(path.join(dir, "store"));
    process.env.CONSOLE_DATA_DIR = dir;
  }
  resetEnv();
  await getStore();
  return async () => {
    await closeStore();
    delete process.env.DATABASE_URL;
    resetEnv();
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
}
