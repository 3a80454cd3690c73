import "server-only";
import { log } from "@/lib/log";
import { migrateStore } from "./migrate";
import { openStore, storeOptionsFromEnv } from "./open-store";
import type { Store } from "./store";
import { StoreUnavailableError, isStoreUnavailableError } from "./store-unavailable-error";

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
  const state = holder();
  if (state.opening) return state.opening;
  const opening = openAndMigrate().catch((error: unknown) => {
    if (state.opening === opening) state.opening = undefined;
    log.error("The console's database cannot be opened; the next request tries again", error);
    throw isStoreUnavailableError(error) ? error : new StoreUnavailableError({ cause: error });
  });
  state.opening = opening;
  return opening;
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
