import "server-only";
import { chmodSync, existsSync, lstatSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { PGlite, type PGliteOptions } from "@electric-sql/pglite";
import { NodeFS } from "@electric-sql/pglite/nodefs";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { Pool } from "pg";
import { env, ensurePrivateDir, loadEnv, NOT_OWNER_BITS, type EnvSource, type StoreOptions } from "@/lib/config/env";
import { log } from "@/lib/log";
import { metrics } from "@/lib/metrics";
import * as schema from "./schema";
import type { Store } from "./store";
import { storeTemplate } from "./store-template";

export type { StoreOptions };

/** DATABASE_URL when set; otherwise PGlite under `<CONSOLE_DATA_DIR or .data>/store` (a test hands its own source). */
export function storeOptionsFromEnv(source?: EnvSource): StoreOptions {
  return (source ? loadEnv(source) : env()).store;
}

/**
 * A dead database must fail a request in seconds, not hang it: connecting gives up after
 * CONNECT_TIMEOUT_MS, the server cancels a statement after STATEMENT_TIMEOUT_MS, and the
 * client stops waiting for an answer (a server that accepted the socket but hangs) a little later.
 */
const CONNECT_TIMEOUT_MS = 3_000;
const STATEMENT_TIMEOUT_MS = 5_000;
const QUERY_TIMEOUT_MS = 6_000;

function openPostgres(databaseUrl: string): Store {
  const pool = new Pool({
    connectionString: databaseUrl,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    query_timeout: QUERY_TIMEOUT_MS,
    // A transaction left open by a crashed request must not hold its row locks for long.
    idle_in_transaction_session_timeout: 10_000,
    keepAlive: true,
  });
  // An idle connection that the server drops (restart, failover) is reported here; without a
  // listener it would crash the process. The pool discards it and connects afresh on the next query.
  pool.on("error", (error) => log.warn("An idle database connection was closed; the next query reconnects", error));
  // Every statement, in a transaction or not, goes through a pooled client's query().
  pool.on("connect", (client) => timeQueries(client, "postgres"));
  return {
    engine: "postgres",
    client: pool,
    db: drizzleNodePg({ client: pool, schema }),
    close: () => pool.end(),
  };
}

type SetAttr = (arg: unknown, node: unknown, attr: { mode?: number }, ...rest: unknown[]) => unknown;

/** The Emscripten NODEFS object PGlite mounts the data dir with: its hooks for creating nodes and setting modes. */
type EmscriptenNodeFs = {
  node_ops: { mknod: (parent: unknown, name: string, mode: number, dev: number) => unknown };
  /** chmod and fchmod both go through it (`setAttr` in older Emscripten). */
  doSetAttr?: SetAttr;
};

/**
 * PGlite's file system layer creates every file 0666 and every directory 0777 whatever the
 * process's umask: this one strips the group and other bits from every mode it creates or
 * sets, so the store's files stay owner-only (SECURITY.md). It hooks Emscripten's NODEFS; a
 * PGlite whose NODEFS no longer has these hooks is refused rather than silently left open
 * (the modes test in open-store.test.ts fails first).
 */
class OwnerOnlyNodeFS extends NodeFS {
  override async init(pg: PGlite, options: Parameters<NodeFS["init"]>[1]) {
    const { emscriptenOpts } = await super.init(pg, options);
    const ownerOnly = (mod: { NODEFS?: EmscriptenNodeFs }) => {
      const nodefs = mod.NODEFS;
      const mknod = nodefs?.node_ops?.mknod;
      const setAttr = nodefs?.doSetAttr;
      if (!nodefs || typeof mknod !== "function" || typeof setAttr !== "function") {
        throw new Error("PGlite's file system layer changed: the store's files cannot be kept owner-only");
      }
      nodefs.node_ops.mknod = (parent, name, mode, dev) => mknod(parent, name, mode & ~NOT_OWNER_BITS, dev);
      nodefs.doSetAttr = (arg, node, attr, ...rest) =>
        setAttr(arg, node, attr.mode === undefined ? attr : { ...attr, mode: attr.mode & ~NOT_OWNER_BITS }, ...rest);
    };
    return { emscriptenOpts: { ...emscriptenOpts, preRun: [ownerOnly, ...(emscriptenOpts.preRun ?? [])] } };
  }
}

/** Removes group and other bits from everything under `dir`: files an older console left 0666. */
function makeOwnerOnly(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isSymbolicLink()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const mode = lstatSync(file).mode;
    if ((mode & NOT_OWNER_BITS) !== 0) chmodSync(file, mode & 0o700);
  }
}

/** PGlite's in-memory store (tests): no directory, nothing on disk. */
const IN_MEMORY = "memory://";

/**
 * PostgreSQL's default 128 MB of shared buffers, which PGlite zeroes at every start: about 0.4 s
 * of CPU and 110 MB of memory for a store of a few MB. 16 MB holds the console's working set many
 * times over, and a page outside it is one read away in the OS's file cache.
 */
const PGLITE_START_PARAMS = [...PGlite.defaultStartParams, "-c", "shared_buffers=16MB"];

async function openPglite(dir: string, loadDataDir?: Blob, useTemplate = true): Promise<Store> {
  if (dir === IN_MEMORY)
    return pgliteStore(
      await PGlite.create(IN_MEMORY, { startParams: PGLITE_START_PARAMS, ...(loadDataDir ? { loadDataDir } : {}) }),
    );
  // The data dir and the store's dir, made here on every path (a fresh checkout has neither).
  ensurePrivateDir(dir);
  makeOwnerOnly(dir);
  // A new store starts from a template (store-template.ts) where there is one, else from initdb.
  const isNew = !existsSync(path.join(dir, "PG_VERSION"));
  const template = isNew && useTemplate ? storeTemplate() : null;
  // PGlite locks the directory to this process.
  const options: PGliteOptions = {
    dataDir: dir,
    fs: new OwnerOnlyNodeFS(dir),
    startParams: PGLITE_START_PARAMS,
    ...(template ? { loadDataDir: new Blob([readFileSync(template.file)]) } : {}),
  };
  const store = pgliteStore(await PGlite.create(options));
  if (isNew)
    log.info(
      template
        ? `New store in ${dir}: loaded from the store template \`${template.madeBy}\` made`
        : `New store in ${dir}: made by initdb, as there is no store template (see lib/store/store-template.ts)`,
    );
  return store;
}

/**
 * Times each promise-returning query() of `client` into the store latency histogram (node-postgres'
 * callback form and PGlite's queries inside a transaction go untimed). Only the engine is a label.
 */
function timeQueries(client: { query: (...args: never[]) => unknown }, engine: "pglite" | "postgres"): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  const histogram = metrics().storeQuerySeconds;
  client.query = ((...args: unknown[]) => {
    const started = performance.now();
    const result = query(...args);
    if (result instanceof Promise) {
      const done = () => histogram.observe({ engine }, (performance.now() - started) / 1000);
      // The caller gets the original promise and handles its failure; this branch only times it.
      result.then(done, done);
    }
    return result;
  }) as typeof client.query;
}

function pgliteStore(client: PGlite): Store {
  timeQueries(client as unknown as { query: (...args: never[]) => unknown }, "pglite");
  return {
    engine: "pglite",
    client,
    db: drizzlePglite({ client, schema }),
    close: () => client.close(),
  };
}

/**
 * Opens a store without migrating it. The console opens exactly one per process, through
 * getStore(); tests open their own. For PGlite, each call reserves ~128 MB of wasm memory.
 */
export async function openStore(options: StoreOptions): Promise<Store> {
  return "databaseUrl" in options
    ? openPostgres(options.databaseUrl)
    : openPglite(options.pgliteDir, options.loadDataDir, options.useTemplate);
}
