import { cpSync, rmSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { Client } from "pg";
import { inject } from "vitest";
import { openStore, type StoreOptions } from "@/lib/store/open-store";
import type { Store } from "@/lib/store/store";
import { scratchDir } from "./scratch-dir";

/**
 * Fresh, empty stores for tests: a PGlite directory (scratch-dir.ts), or a new database on a
 * throwaway PostgreSQL cluster (see postgres-cluster.ts). Everything opened here is closed
 * and removed by cleanup().
 */
export type TestStores = {
  /** Options for a store no other test has used. */
  freshOptions(): Promise<StoreOptions>;
  /** Opens (does not migrate) a store on `options`, or on fresh ones. */
  open(options?: StoreOptions): Promise<Store>;
  cleanup(): Promise<void>;
};

let databaseCounter = 0;

/**
 * A new PGlite data dir at `dir` (which must not exist), as initdb leaves it: a copy of the
 * one the store project's globalSetup made (store-postgres-setup.ts), so that a test pays
 * for a file copy instead of an initdb. No migration is applied: the test migrates it.
 */
export function copyPristinePgliteDir(dir: string): void {
  cpSync(inject("pristinePgliteDir"), dir, { recursive: true });
}

/** Creates a new database on the cluster at `serverUrl` and returns its URL. */
export async function createDatabase(serverUrl: string): Promise<string> {
  const name = `store_test_${process.pid}_${Date.now()}_${databaseCounter++}`;
  const client = new Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await drizzle({ client }).execute(sql`create database ${sql.identifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export function testStores(engine: "pglite" | "postgres", serverUrl?: string): TestStores {
  const opened: Store[] = [];
  const dirs: string[] = [];
  const freshOptions = async (): Promise<StoreOptions> => {
    if (engine === "postgres") {
      if (!serverUrl) throw new Error('testStores("postgres") needs the cluster\'s URL');
      return { databaseUrl: await createDatabase(serverUrl) };
    }
    const dir = scratchDir("faucet-console-pglite-");
    dirs.push(dir);
    copyPristinePgliteDir(path.join(dir, "store"));
    return { pgliteDir: path.join(dir, "store") };
  };
  return {
    freshOptions,
    async open(options) {
      const store = await openStore(options ?? (await freshOptions()));
      opened.push(store);
      return store;
    },
    async cleanup() {
      await Promise.allSettled(opened.splice(0).map((store) => store.close()));
      for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    },
  };
}
