// Relative imports only, and no server-only guard: the e2e specs check which template a start loaded.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { env } from "../config/env";

/**
 * A store template is a new PGlite data dir with every migration applied, dumped to a tarball
 * (scripts/make-store-template.ts). A first start on an empty data dir loads it instead of
 * running initdb and the migrations (~7 CPU-s), and without initdb's peak of about twice the
 * memory of a normal start. It holds the schema only: no session, key or event.
 *
 * Two steps make one: `npm run build` (postbuild) next to the build, which deployments ship; and
 * `npm install` (postinstall) under node_modules/.cache, for `npm run dev`, which has no build.
 */

/** `npm run build`'s template, in the dist dir. */
export function storeTemplatePath(projectDir = process.cwd()): string {
  return path.resolve(projectDir, env().distDir, "store-template.tgz");
}

/** Where `npm install` leaves its templates; one per tree it was run on, named by its digest. */
export const INSTALL_TEMPLATES_DIR = path.join("node_modules", ".cache", "faucet-console");

/**
 * `npm install`'s template for this tree: its name holds a digest of PGlite's version and the
 * migrations, so a template made before a pull that brought a migration (or another PGlite) is
 * never loaded: that start runs initdb, as without one. Null when PGlite's package cannot be read.
 */
export function installTemplatePath(projectDir = process.cwd()): string | null {
  let pgliteVersion: string;
  try {
    const manifest = path.join(projectDir, "node_modules", "@electric-sql", "pglite", "package.json");
    pgliteVersion = (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
  } catch {
    return null;
  }
  const digest = createHash("sha256").update(`pglite ${pgliteVersion}\n`);
  // The folder migrate.ts applies (MIGRATIONS_FOLDER): the .sql files and drizzle's journal and snapshots.
  const migrations = path.join(projectDir, "lib", "store", "migrations");
  for (const file of readdirSync(migrations, { recursive: true, encoding: "utf8" }).sort()) {
    if (file.endsWith(".sql") || file.endsWith(".json"))
      digest.update(`${file}\n`).update(readFileSync(path.join(migrations, file)));
  }
  const name = `store-template-${digest.digest("hex").slice(0, 16)}.tgz`;
  return path.resolve(projectDir, INSTALL_TEMPLATES_DIR, name);
}

/**
 * `npm install`'s template for this tree, if it has been made. A first `npm run dev` loads it, the
 * build copies it instead of making the same store again (~5 s on each build), and the in-process
 * tests load it. Null: there is none for this tree (yet).
 */
export function madeInstallTemplate(projectDir = process.cwd()): string | null {
  const installed = installTemplatePath(projectDir);
  return installed && existsSync(installed) ? installed : null;
}

export type StoreTemplate = { file: string; madeBy: "npm run build" | "npm install" };

/** The template a first start loads: the build's if there is one, else `npm install`'s for this tree. */
export function storeTemplate(projectDir = process.cwd()): StoreTemplate | null {
  const built = storeTemplatePath(projectDir);
  if (existsSync(built)) return { file: built, madeBy: "npm run build" };
  const installed = madeInstallTemplate(projectDir);
  return installed ? { file: installed, madeBy: "npm install" } : null;
}
