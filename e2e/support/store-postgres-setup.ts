import { rmSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { openStore } from "@/lib/store/open-store";
import { createPostgresCluster } from "./postgres-cluster";
import { scratchDir } from "./scratch-dir";

declare module "vitest" {
  export interface ProvidedContext {
    /** The throwaway cluster's URL for the store's tests (inject("storeDatabaseUrl")). */
    storeDatabaseUrl: string;
    /** A new PGlite data dir, initdb run and nothing else, that each test's PGlite store starts as a copy of. */
    pristinePgliteDir: string;
  }
}

/**
 * PGlite's initdb, run once: a new data dir exactly as a first start without a template
 * makes it (no migration applied). It takes seconds, several times that on a busy machine,
 * where copying the result takes a fraction of one; each test still migrates its own copy.
 * The store templates (lib/store/store-template.ts: the build's, npm install's) are kept out
 * of it, so the copies are empty whether or not the tree has been built.
 */
async function makePristinePgliteDir(dir: string): Promise<void> {
  const store = await openStore({ pgliteDir: dir, useTemplate: false });
  await store.close();
}

const PRISTINE = Symbol.for("faucet-console.test-pristine-pglite-dir");
type Pristine = { dir: Promise<string>; remove: () => void };

/**
 * The pristine PGlite data dir, made once per vitest run whichever project's globalSetup asks
 * first (the in-process project's store template starts from it too), and the function that
 * removes it: every project that asked calls that in its teardown, after all tests have run.
 */
export function pristinePgliteDir(): Pristine {
  const made = globalThis as { [PRISTINE]?: Pristine };
  if (!made[PRISTINE]) {
    const root = scratchDir("faucet-console-pristine-pglite-");
    const dir = path.join(root, "store");
    made[PRISTINE] = {
      dir: makePristinePgliteDir(dir).then(() => dir),
      remove: () => rmSync(root, { recursive: true, force: true }),
    };
  }
  return made[PRISTINE];
}

/**
 * vitest globalSetup of the "store" project: one throwaway PostgreSQL for all its test
 * files, destroyed when they are done (each file works in its own database on it), and the
 * pristine PGlite data dir their PGlite stores are copied from (see test-stores.ts). The two
 * are made side by side: the cluster's initdb is a process of its own.
 */
export default async function setup(project: TestProject) {
  const pristine = pristinePgliteDir();
  const [dir, cluster] = await Promise.all([pristine.dir, createPostgresCluster()]);
  project.provide("pristinePgliteDir", dir);
  project.provide("storeDatabaseUrl", cluster.url);
  return () => {
    cluster.destroy();
    pristine.remove();
  };
}
