/**
 * The store's one "cannot reach the database" error. Callers refuse the request with
 * `message` (safe to show: it names no host, user or query) and change nothing else.
 *
 * Next bundles a module once per server layer while the store is one per process, so an
 * error may come from another copy of this class: a registered symbol marks it in every copy.
 */
const STORE_UNAVAILABLE = Symbol.for("faucet-console.StoreUnavailableError");

export const STORE_UNAVAILABLE_MESSAGE =
  "The console's database cannot be reached. Nothing was changed; try again in a moment.";

export class StoreUnavailableError extends Error {
  readonly [STORE_UNAVAILABLE] = true;

  constructor(options?: { cause?: unknown }) {
    super(STORE_UNAVAILABLE_MESSAGE, options);
    this.name = "StoreUnavailableError";
  }
}

export function isStoreUnavailableError(error: unknown): error is StoreUnavailableError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { [STORE_UNAVAILABLE]?: unknown })[STORE_UNAVAILABLE] === true
  );
}

/** Socket-level failures: the server is not there, went away, or does not answer. */
const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EPIPE",
  "ENOENT",
]);

/**
 * SQLSTATEs that mean "the database is not serving us", not "this query is wrong":
 * class 08 (connection exception), shutdown and start-up (57P01-57P03), too many connections
 * (53300), and 57014, which is our statement_timeout: a database too slow to answer in
 * time is, for a user, one that cannot be reached.
 */
function isUnavailableSqlState(code: string): boolean {
  return code.startsWith("08") || ["57P01", "57P02", "57P03", "53300", "57014"].includes(code);
}

/** node-postgres and PGlite say these in the message only, without a code. */
const UNAVAILABLE_MESSAGES = [
  /connection terminated/i, // "Connection terminated unexpectedly", "… due to connection timeout"
  /timeout exceeded when trying to connect/i,
  /query read timeout/i,
  /connection (?:is )?closed|client was closed|cannot use a pool after calling end/i,
  /client has encountered a connection error/i,
  /pglite is closed/i,
];

function isUnavailableCause(error: object): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (
    typeof code === "string" &&
    (NETWORK_CODES.has(code) || (/^[0-9A-Z]{5}$/.test(code) && isUnavailableSqlState(code)))
  )
    return true;
  return typeof message === "string" && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * Maps a driver error to StoreUnavailableError when it means the database cannot be reached;
 * returns null for anything else (a constraint violation, a bug), which callers rethrow as is.
 * Drizzle wraps driver errors in DrizzleQueryError, and pg in AggregateError, so the whole
 * `cause`/`errors` tree is searched.
 */
export function toStoreUnavailableError(error: unknown): StoreUnavailableError | null {
  if (isStoreUnavailableError(error)) return error;
  const pending: unknown[] = [error];
  const seen = new Set<unknown>();
  while (pending.length > 0) {
    const current = pending.pop();
    if (typeof current !== "object" || current === null || seen.has(current)) continue;
    seen.add(current);
    if (isUnavailableCause(current)) return new StoreUnavailableError({ cause: error });
    const { cause, errors } = current as { cause?: unknown; errors?: unknown };
    pending.push(cause);
    if (Array.isArray(errors)) pending.push(...errors);
  }
  return null;
}

/** For `catch (error) { throw asStoreError(error) }`: the mapped error, or the original one. */
export function asStoreError(error: unknown): unknown {
  return toStoreUnavailableError(error) ?? error;
}

/** True for any error that means the database cannot be reached, wrapped by Drizzle or not. */
export function isStoreUnavailable(error: unknown): boolean {
  return toStoreUnavailableError(error) !== null;
}
