/**
 * Makes a store template (lib/store/store-template.ts): a new PGlite store with every migration
 * applied, dumped to a tarball that a console's first start on an empty data dir loads instead
 * of running initdb. It holds the schema only: no session, key or event.
 *
 * - `npm run build`'s postbuild: `<dist dir>/store-template.tgz`, shipped with the build: a copy
 *   of npm install's for this tree where there is one (the same store, made the same way).
 * - `--install`, npm install's postinstall (scripts/postinstall.mjs): `npm run dev`'s, under
 *   node_modules/.cache, named by the digest of this tree's migrations and PGlite; it replaces
 *   the ones made for other trees.
 *
 * Run with `--conditions=react-server` (the npm scripts do), so the store's `server-only`
 * guard resolves to its empty module outside Next.
 */
import { copyFileSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { madeInstallTemplate, installTemplatePath, storeTemplatePath } from "@/lib/store/store-template";

const forInstall = process.argv.includes("--install");
const target = forInstall ? installTemplatePath() : storeTemplatePath();
if (!target) throw new Error("PGlite's package.json cannot be read: is `npm install` complete?");
// The install's folder holds this tree's template only.
if (forInstall) rmSync(path.dirname(target), { recursive: true, force: true });
mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
const copyOf = forInstall ? null : madeInstallTemplate();
if (copyOf) {
  copyFileSync(copyOf, `${target}.tmp`);
} else {
  // Imported here: a copy needs neither PGlite nor the migrations.
  const [{ migrateStore }, { openStore }] = await Promise.all([
    import("@/lib/store/migrate"),
    import("@/lib/store/open-store"),
  ]);
  // In memory: always initdb, never another template, and nothing on disk to clean up.
  const store = await openStore({ pgliteDir: "memory://" });
  if (store.engine !== "pglite") throw new Error("unreachable: a PGlite store was asked for");
  try {
    await migrateStore(store);
    const dump = await store.client.dumpDataDir("gzip");
    writeFileSync(`${target}.tmp`, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
  } finally {
    await store.close();
  }
}
renameSync(`${target}.tmp`, target);
console.log(
  `Store template written to ${path.relative(process.cwd(), target)}${copyOf ? ` (a copy of ${path.relative(process.cwd(), copyOf)}, npm install's for this tree)` : ""}`,
);
