/**
 * `npm run audit:verify [-- [--accept-unkeyed] <checkpoint file>…]`: walks every audit chain in the console's
 * store (DATABASE_URL, or the PGlite data dir under CONSOLE_DATA_DIR, like the app) with the
 * console's audit key (AUDIT_KEY, or derived from SESSION_SECRET or the data dir's generated
 * secret), holds it against the signed checkpoints (the files named, else
 * AUDIT_CHECKPOINT_FILE or <CONSOLE_DATA_DIR>/audit-checkpoints.jsonl when it exists), and
 * prints one line per problem. Exits 0 when every chain is intact, 1 naming each tampered
 * chain and position, 2 when the store, a checkpoint file or the key cannot be read.
 * A row without an audit key (plain SHA-256) or an unsigned retention anchor is tampering,
 * unless `--accept-unkeyed` says the store holds rows from before audit keys: then they are
 * counted and accepted only in front of each chain's first keyed row.
 * With PGlite, stop the console first: PGlite locks its directory.
 *
 * Run with `--conditions=react-server` (the npm script does), so the store's `server-only`
 * guard resolves to its empty module outside Next.
 */
import { existsSync } from "node:fs";
import { readCheckpointFiles, type CheckpointSet } from "@/lib/audit/audit-checkpoints";
import { UnknownAuditKeyError } from "@/lib/audit/audit-hash";
import { resolveAuditKeyring, type AuditKeyring } from "@/lib/audit/audit-keys";
import { describeChainProblem, verifyAuditChains } from "@/lib/audit/verify-audit-chains";
import { env, secretsOf, type ConsoleEnv } from "@/lib/config/env";
import { migrateStore } from "@/lib/store/migrate";
import { openStore } from "@/lib/store/open-store";

const ACCEPT_UNKEYED = "--accept-unkeyed";
const message = (error: unknown) => (error instanceof Error ? error.message : String(error));
const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

async function main(): Promise<number> {
  let keyring: AuditKeyring;
  let settings: ConsoleEnv;
  try {
    settings = env();
    keyring = resolveAuditKeyring(secretsOf(settings), settings.dataDir, { verifyOnly: true });
  } catch (error) {
    console.error(`audit:verify: ${message(error)}`);
    return 2;
  }
  const args = process.argv.slice(2).filter((arg) => arg !== "--");
  const acceptUnkeyed = args.includes(ACCEPT_UNKEYED);
  const named = args.filter((arg) => arg !== ACCEPT_UNKEYED);
  const unknownFlag = named.find((arg) => arg.startsWith("--"));
  if (unknownFlag) {
    console.error(
      `audit:verify: unknown option ${unknownFlag} (the only option is ${ACCEPT_UNKEYED}; other arguments are checkpoint files)`,
    );
    return 2;
  }
  const fallback = settings.auditCheckpointFile;
  const files = named.length > 0 ? named : existsSync(fallback) ? [fallback] : [];
  let checkpoints: CheckpointSet;
  try {
    checkpoints = await readCheckpointFiles(files, keyring);
  } catch (error) {
    console.error(`audit:verify: a checkpoint file cannot be read: ${message(error)}`);
    return 2;
  }
  if (files.length === 0)
    console.warn(
      `audit:verify: no checkpoint file (${fallback} does not exist): a deleted tail or chain cannot be noticed without one`,
    );

  let store;
  try {
    store = await openStore(settings.store);
  } catch (error) {
    console.error(`audit:verify: the store cannot be opened: ${message(error)}`);
    return 2;
  }
  try {
    // The console's own migrations (idempotent, under its lock): an older store gets the audit tables, empty.
    await migrateStore(store);
    const report = await verifyAuditChains(store.db, {
      keyring,
      checkpoints,
      retentionDays: settings.auditRetentionDays,
      acceptUnkeyed,
    });
    const counts = `${plural(report.chains, "chain")}, ${plural(report.events, "row")}, ${plural(report.checkpoints, "checkpoint")}`;
    const unkeyed =
      report.unkeyed > 0
        ? `; ${plural(report.unkeyed, "row")} written before audit keys (unkeyed: plain SHA-256, which anyone can recompute)`
        : "";
    if (report.ok) {
      console.log(`audit:verify: ok, ${counts}, no edit, deletion or reordering found${unkeyed}`);
      return 0;
    }
    for (const problem of report.problems) console.error(`audit:verify: FAILED: ${describeChainProblem(problem)}`);
    if (!acceptUnkeyed && report.unkeyed > 0)
      console.error(
        `audit:verify: if this store holds rows from a version before audit keys, run again with ${ACCEPT_UNKEYED} to accept them in front of each chain's first keyed row`,
      );
    console.error(`audit:verify: ${plural(report.problems.length, "problem")} in ${counts}${unkeyed}`);
    return 1;
  } catch (error) {
    if (error instanceof UnknownAuditKeyError) {
      console.error(`audit:verify: ${error.message}`);
      return 2;
    }
    console.error(`audit:verify: the audit log cannot be read: ${message(error)}`);
    return 2;
  } finally {
    await store.close().catch(() => undefined);
  }
}

process.exitCode = await main();
