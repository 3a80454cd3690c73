import "server-only";
import { ConfigError } from "@/lib/config/env";
import { log } from "@/lib/log";
import { migrateStore } from "./migrate";
import { openStore, storeOptionsFromEnv } from "./open-store";
import type { Store, StoreDatabase } from "./store";
import {
  StoreUnavailableError,
  asStoreError,
  isStoreUnavailableError,
  toStoreUnavailableError,
} from "./store-unavailable-error";

/**
 * Next evaluates this module once per server layer and again on every dev hot reload, but
 * the process must open its store once (PGlite reserves ~128 MB and locks its directory):
 * the one pending or open store lives on globalThis under a registered symbol.
 */
const STORE_KEY = Symbol.for("faucet-console.store");

type StoreHolder = { opening?: Promise<Store> };

function holder(): StoreHolder {
  const global = globalThis as { [STORE_KEY]?: StoreHolder };
  global[STORE_KEY] ??= {};
  return global[STORE_KEY];
}

async function openAndMigrate(): Promise<Store> {
  const store = await openStore(storeOptionsFromEnv());
  try {
    await migrateStore(store);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
  log.info(`Store open (${store.engine}), migrations applied`);
  return store;
}

/**
 * The process's one store, opened and migrated on first use. Callers arriving while it
 * opens share that one attempt. A failed attempt is forgotten, so the next call tries
 * again and a database that comes back is picked up without a restart; it rejects with
 * StoreUnavailableError, whose message a user may see.
 */
export function getStore(): Promise<Store> {
  return open({ logFailure: true });
}

function open({ logFailure }: { logFailure: boolean }): Promise<Store> {
  const state = holder();
  if (state.opening) return state.opening;
  const opening = openAndMigrate().catch((error: unknown) => {
    if (state.opening === opening) state.opening = undefined;
    if (logFailure) log.error("The console's database cannot be opened; the next request tries again", error);
    throw isStoreUnavailableError(error) ? error : new StoreUnavailableError({ cause: error });
  });
  state.opening = opening;
  return opening;
}

/**
 * Start-up's open of the store. Only a PostgreSQL that is down or unreachable is left for the
 * requests to retry (logged in one line); anything that will not heal by itself (a data dir
 * PGlite cannot use, a corrupt one, a login or a database PostgreSQL refuses) rejects with
 * ConfigError, and start-up stops instead of serving pages that can never sign anyone in.
 */
export async function openStoreAtStartup(): Promise<void> {
  const options = storeOptionsFromEnv();
  try {
    await open({ logFailure: false });
  } catch (error) {
    const cause = isStoreUnavailableError(error) && error.cause !== undefined ? error.cause : error;
    // One line: a wasm abort or a driver may say more on the following ones.
    const reason = (cause instanceof Error ? cause.message : String(cause)).split("\n")[0];
    if (cause instanceof ConfigError) throw cause;
    if ("pgliteDir" in options) {
      throw new ConfigError(
        `the embedded database in ${options.pgliteDir} cannot be opened (${reason}). Check that no other console uses it and that it is not damaged, or set CONSOLE_DATA_DIR to another directory (or DATABASE_URL to use PostgreSQL).`,
      );
    }
    if (!toStoreUnavailableError(cause)) {
      const code = (cause as { code?: unknown }).code;
      throw new ConfigError(
        `the PostgreSQL database at DATABASE_URL refuses the console (${reason}${typeof code === "string" ? `, ${code}` : ""}). Check its user, password, database name and privileges.`,
      );
    }
    log.error("The console's database cannot be reached; each request tries again", cause);
  }
}

/** Closes the process's store (tests, shutdown); the next getStore() opens a new one. */
export async function closeStore(): Promise<void> {
  const state = holder();
  const opening = state.opening;
  state.opening = undefined;
  if (!opening) return;
  const store = await opening.catch(() => undefined);
  await store?.close();
}

/** Runs `work` in one transaction of the store; a store that cannot answer becomes a StoreUnavailableError. */
export async function inStoreTransaction<T>(work: (tx: StoreDatabase) => Promise<T>): Promise<T> {
  try {
    const { db } = await getStore();
    return await db.transaction(work);
  } catch (error) {
    throw asStoreError(error);
  }
}
