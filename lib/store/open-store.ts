import "server-only";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzleNodePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { Pool } from "pg";
import { consoleDataDir } from "@/lib/config/data-dir";
import { log } from "@/lib/log";
import * as schema from "./schema";
import type { Store } from "./store";

/** Either a PostgreSQL URL, or the directory of an embedded PGlite database. */
export type StoreOptions = { databaseUrl: string } | { pgliteDir: string };

/** DATABASE_URL when set; otherwise PGlite under `<CONSOLE_DATA_DIR or .data>/store`. */
export function storeOptionsFromEnv(env: Record<string, string | undefined> = process.env): StoreOptions {
  const databaseUrl = env.DATABASE_URL?.trim();
  if (databaseUrl) return { databaseUrl };
  return { pgliteDir: path.join(consoleDataDir(), "store") };
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
  return {
    engine: "postgres",
    client: pool,
    db: drizzleNodePg({ client: pool, schema }),
    close: () => pool.end(),
  };
}

async function openPglite(dir: string): Promise<Store> {
  // PGlite creates the directory itself and locks it to this process.
  const client = await PGlite.create(dir);
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
  return "databaseUrl" in options ? openPostgres(options.databaseUrl) : openPglite(options.pgliteDir);
}
