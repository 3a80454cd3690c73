import type { PGlite } from "@electric-sql/pglite";
import type { Assume } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Pool } from "pg";
import type * as schema from "./schema";

/**
 * What `db.execute(sql`…`)` returns on both engines: node-postgres and PGlite results
 * differ in everything but `rows`.
 */
export type StoreQueryResult<TRow> = { rows: TRow[] };

export interface StoreQueryResultHKT extends PgQueryResultHKT {
  type: StoreQueryResult<Assume<this["row"], Record<string, unknown>>>;
}

/**
 * The Drizzle database the rest of the console writes its queries against. It is the common
 * base of the PGlite and node-postgres databases, so one query (or transaction) runs on both.
 */
export type StoreDatabase = PgDatabase<StoreQueryResultHKT, typeof schema>;

export type StoreEngine = "pglite" | "postgres";

/**
 * One open store. `client` is the driver underneath, for the two things Drizzle does not
 * do for us (the migration lock's dedicated connection, rate-limiter-flexible); queries go
 * through `db`.
 */
export type Store = { db: StoreDatabase; close(): Promise<void> } & (
  { engine: "pglite"; client: PGlite } | { engine: "postgres"; client: Pool }
);
