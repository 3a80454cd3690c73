import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { pristinePgliteDir } from "@/e2e/support/store-postgres-setup";
import { migrateStore } from "@/lib/store/migrate";
import { openStore } from "@/lib/store/open-store";
import { madeInstallTemplate } from "@/lib/store/store-template";

declare module "vitest" {
  export interface ProvidedContext {
    /** A migrated, empty PGlite data dir (a dumpDataDir() tarball) each in-process file starts its store from. */
    inProcessStoreTemplate: string;
  }
}

const TEMPLATE = Symbol.for("faucet-console.in-process-store-template");
type Template = { file: Promise<string>; remove: () => void };

/**
 * The migrated dump, made once per vitest run: both in-process projects (their modules shared
 * or each file's own, see vitest.config.ts) load it, whichever's globalSetup asks first.
 */
function inProcessStoreTemplate(): Template {
  const made = globalThis as { [TEMPLATE]?: Template };
  if (!made[TEMPLATE]) {
    // npm install's (lib/store/store-template.ts): named for this tree's migrations and PGlite, so the
    // same migrated, empty store, made already. Without one, this run makes its own.
    const installed = madeInstallTemplate();
    made[TEMPLATE] = installed ? { file: Promise.resolve(installed), remove: () => undefined } : ownTemplate();
  }
  return made[TEMPLATE];
}

/** A template of this run's own, from a copy of the pristine data dir (initdb is run once per vitest run). */
function ownTemplate(): Template {
  const pristine = pristinePgliteDir();
  const dir = mkdtempSync(path.join(tmpdir(), "faucet-console-in-process-template-"));
  return {
    file: makeTemplate(dir, pristine.dir),
    remove: () => {
      rmSync(dir, { recursive: true, force: true });
      pristine.remove();
    },
  };
}

async function makeTemplate(dir: string, pristineDir: Promise<string>): Promise<string> {
  cpSync(await pristineDir, path.join(dir, "store"), { recursive: true });
  const store = await openStore({ pgliteDir: path.join(dir, "store") });
  if (store.engine !== "pglite") throw new Error("unreachable: a PGlite store was asked for");
  try {
    await migrateStore(store);
    const dump = await store.client.dumpDataDir("none");
    const file = path.join(dir, "store.tar");
    writeFileSync(file, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    return file;
  } finally {
    await store.close();
    rmSync(path.join(dir, "store"), { recursive: true, force: true });
  }
}

/**
 * vitest globalSetup of the in-process projects: one migrated dump for the whole run instead of
 * the migrations once per test file (each file's in-memory store loads it: see
 * startInProcessConsole). Whichever it is, npm install's or this run's own, it holds the schema only.
 */
export default async function setup(project: TestProject) {
  const template = inProcessStoreTemplate();
  project.provide("inProcessStoreTemplate", await template.file);
  return () => template.remove();
}
