/**
 * `npm run build`'s postbuild step: a new PGlite store with every migration applied, dumped to
 * `<dist dir>/store-template.tgz`, which a console's first start on an empty data dir loads
 * instead of running initdb (see storeTemplatePath in lib/store/open-store.ts). It holds the
 * schema only: no session, key or event.
 *
 * Run with `--conditions=react-server` (the npm script does), so the store's `server-only`
 * guard resolves to its empty module outside Next.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrateStore } from "@/lib/store/migrate";
import { openStore, storeTemplatePath } from "@/lib/store/open-store";

const target = storeTemplatePath();
// Made from initdb, never from an older template.
rmSync(target, { force: true });
const dir = mkdtempSync(path.join(tmpdir(), "faucet-console-store-template-"));
try {
  const store = await openStore({ pgliteDir: path.join(dir, "store") });
  if (store.engine !== "pglite") throw new Error("unreachable: a PGlite store was asked for");
  try {
    await migrateStore(store);
    const dump = await store.client.dumpDataDir("gzip");
    writeFileSync(`${target}.tmp`, Buffer.from(await dump.arrayBuffer()), { mode: 0o600 });
    renameSync(`${target}.tmp`, target);
  } finally {
    await store.close();
  }
  console.log(`Store template written to ${path.relative(process.cwd(), target)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
