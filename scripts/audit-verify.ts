/**
 * `npm run audit:verify`: walks every audit chain in the console's store (DATABASE_URL, or
 * the PGlite data dir under CONSOLE_DATA_DIR, like the app) and prints one line. Exits 0
 * when every chain is intact, 1 naming the first edited, deleted or reordered event, 2 when
 * the store cannot be read. With PGlite, stop the console first: PGlite locks its directory.
 *
 * Run with `--conditions=react-server` (the npm script does), so the store's `server-only`
 * guard resolves to its empty module outside Next.
 */
import { describeChainProblem, verifyAuditChains } from "@/lib/audit/verify-audit-chains";
import { migrateStore } from "@/lib/store/migrate";
import { openStore, storeOptionsFromEnv } from "@/lib/store/open-store";

async function main(): Promise<number> {
  let store;
  try {
    store = await openStore(storeOptionsFromEnv());
  } catch (error) {
    console.error(`audit:verify: the store cannot be opened: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  try {
    // The console's own migrations (idempotent, under its lock): an older store gets the audit tables, empty.
    await migrateStore(store);
    const report = await verifyAuditChains(store.db);
    if (report.ok) {
      console.log(`audit:verify: ok, ${report.chains} chain${report.chains === 1 ? "" : "s"}, ${report.events} row${report.events === 1 ? "" : "s"}, no edit, deletion or reordering found`);
      return 0;
    }
    console.error(`audit:verify: FAILED: ${describeChainProblem(report.problem)}`);
    return 1;
  } catch (error) {
    console.error(`audit:verify: the audit log cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  } finally {
    await store.close().catch(() => undefined);
  }
}

process.exitCode = await main();
