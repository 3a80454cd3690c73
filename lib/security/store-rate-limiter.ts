import "server-only";
import { createHash } from "node:crypto";
import type { PGlite } from "@electric-sql/pglite";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";
import { getStore } from "@/lib/store/get-store";
import type { Store } from "@/lib/store/store";
import { asStoreError } from "@/lib/store/store-unavailable-error";

export type StoreRateLimitVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type StoreRateLimiter = { take(client: string): Promise<StoreRateLimitVerdict> };

type StoreRateLimiterOptions = {
  /** Names this limit in the shared table, e.g. "sign-in"; the same on every instance. */
  keyPrefix: string;
  /** Takes allowed per client and window. */
  points: number;
  durationSeconds: number;
  /** The store to count in; the process's store by default. */
  store?: () => Promise<Store>;
};

/** The column is varchar(255); a longer client id is counted under its hash instead. */
const MAX_CLIENT_LENGTH = 128;

/**
 * rate-limiter-flexible's Postgres back end sends node-postgres style `{ text, values }` and
 * reads `rows` and `rowCount`. PGlite speaks `query(text, params)` and `affectedRows`; this
 * is the whole of the difference.
 */
function pgliteAsPgClient(pglite: PGlite) {
  return {
    async query({ text, values }: { text: string; values?: unknown[] }) {
      const result = await pglite.query(text, values);
      return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
    },
  };
}

/**
 * On both engines the count lives in the store's rate_limits table (created by the
 * migration, hence tableCreated), through RateLimiterPostgres. On PostgreSQL that makes
 * the limit exact across every instance sharing the database. On PGlite the store has one
 * process, so memory would also be exact; the table is used anyway so that one code path
 * runs (and is tested) on both engines and a restart does not reset a client's count.
 */
function createLimiter(
  store: Store,
  { keyPrefix, points, durationSeconds }: StoreRateLimiterOptions,
): RateLimiterPostgres {
  return new RateLimiterPostgres({
    storeClient: store.engine === "postgres" ? store.client : pgliteAsPgClient(store.client),
    storeType: store.engine === "postgres" ? "pool" : "client",
    tableName: "rate_limits",
    tableCreated: true,
    keyPrefix,
    points,
    duration: durationSeconds,
  });
}

function clientKey(client: string): string {
  return client.length <= MAX_CLIENT_LENGTH
    ? client
    : `sha256:${createHash("sha256").update(client).digest("base64url")}`;
}

/**
 * A fixed-window limit per client, counted in the store. When the store cannot be reached
 * take() rejects with StoreUnavailableError: the request is refused rather than let through
 * uncounted.
 */
/** The limiter over the store options.store opens (the process's by default), made once per store object. */
function limiterPerStore(options: StoreRateLimiterOptions): () => Promise<RateLimiterPostgres> {
  const openStore = options.store ?? getStore;
  // One limiter per store object: getStore() keeps returning the same one once it is open.
  const limiters = new WeakMap<Store, RateLimiterPostgres>();
  return async () => {
    const store = await openStore();
    let limiter = limiters.get(store);
    if (!limiter) {
      limiter = createLimiter(store, options);
      limiters.set(store, limiter);
    }
    return limiter;
  };
}

export function createStoreRateLimiter(options: StoreRateLimiterOptions): StoreRateLimiter {
  const limiter = limiterPerStore(options);

  return {
    async take(client) {
      try {
        await (await limiter()).consume(clientKey(client));
        return { allowed: true };
      } catch (error) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the client is over its limit.
        if (error instanceof RateLimiterRes) {
          return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) };
        }
        throw asStoreError(error);
      }
    },
  };
}

export type StoreMarks = {
  /** Whether name was marked and its mark has not expired. */
  has(name: string): Promise<boolean>;
  /** Marks name for keepSeconds from now (again, if it was marked before). */
  mark(name: string): Promise<void>;
};

/**
 * Names remembered for a while in the same rate_limits table (a row per name with its
 * expiry), so that every instance sharing the store sees them and a restart forgets none.
 * Failures reject with StoreUnavailableError, like take().
 */
export function createStoreMarks({
  keyPrefix,
  keepSeconds,
  store,
}: {
  keyPrefix: string;
  keepSeconds: number;
  store?: () => Promise<Store>;
}): StoreMarks {
  const limiter = limiterPerStore({ keyPrefix, points: 1, durationSeconds: keepSeconds, store });
  return {
    async has(name) {
      try {
        return (await (await limiter()).get(clientKey(name))) !== null;
      } catch (error) {
        throw asStoreError(error);
      }
    },
    async mark(name) {
      try {
        await (await limiter()).set(clientKey(name), 1, keepSeconds);
      } catch (error) {
        throw asStoreError(error);
      }
    },
  };
}
