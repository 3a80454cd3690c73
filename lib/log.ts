import { AsyncLocalStorage } from "node:async_hooks";
import pino, { type DestinationStream, type Logger } from "pino";
import { instanceId, logFormatOf, type EnvSource, type LogFormat } from "@/lib/config/env";

/**
 * The console's only logger: one JSON object per line on stdout (pino), with the time, the
 * level, the message, the instance, the request id and the operator id where there is one,
 * and the event's fields. Anything shaped like a faucet key is redacted from the whole line
 * before it is written (message, fields and error alike), so a key that slips into an error
 * message still never reaches the log. Never pass cookies or request bodies here.
 */

/**
 * A key by its prefix. It starts a word, or follows a percent-escape: in `%22lf_…` (a
 * URL-encoded quote) the "2" before "lf" would defeat a plain word boundary.
 */
const KEY_PATTERN = /(^|[^A-Za-z0-9_]|%[0-9A-Fa-f]{2})(lf|agent)_[A-Za-z0-9_-]{4,}/g;

/**
 * Any long value in a field named like a secret (api_key, operatorKey, x-api-key,
 * Authorization: Bearer …, token, password, recovery_code), raw, JSON or URL-encoded,
 * whatever its prefix. Values under 12 characters are left: no key is that short, and
 * "key: timeout" in a message stays readable.
 */
const SEPARATOR = String.raw`(?:\\?["']|%22)?\s*(?::|=|%3A|%3D)\s*(?:\\?["']|%22)?\s*(?:Bearer(?:\s+|%20|\+))?`;
const FIELD_PATTERN = new RegExp(
  String.raw`((?:^|[^A-Za-z0-9])[A-Za-z0-9_-]*(?:key|secret|token|password|authorization|recovery_code)${SEPARATOR})((?:%(?!22|26|2C|7D|20)[0-9A-Fa-f]{2}|[A-Za-z0-9._~+/=-]){12,})`,
  "gi",
);

export function redactKeys(text: string): string {
  return text
    .replace(FIELD_PATTERN, (_match, field: string) => `${field}[redacted]`)
    .replace(KEY_PATTERN, (_match, before: string, prefix: string) => `${before}${prefix}_[redacted]`);
}

/**
 * One serialized line, redacted. Redaction keeps a JSON string a string; a long number in a
 * key-named field (`"token_count":123456789012`) would not stay JSON, so such a line is
 * replaced by a notice rather than written broken.
 */
export function redactLine(line: string): string {
  const redacted = redactKeys(line);
  if (redacted === line) return line;
  try {
    JSON.parse(redacted);
    return redacted;
  } catch {
    return `${JSON.stringify({ level: "warn", time: new Date().toISOString(), msg: "a log line was withheld: its redaction did not leave valid JSON" })}\n`;
  }
}

export type { LogFormat };

/** LOG_FORMAT (lib/config/env.ts): json lines, or pretty under `next dev` unless set. */
export function readLogFormat(source?: EnvSource): LogFormat {
  return logFormatOf(source);
}

/** The request and operator a line belongs to, where the code writing it knows them. */
export type LogContext = { requestId?: string; operatorId?: number };

const CONTEXT_KEY = Symbol.for("faucet-console.log-context");

/** One store per process (Next loads this module once per server layer). */
function contextStorage(): AsyncLocalStorage<LogContext> {
  const global = globalThis as { [CONTEXT_KEY]?: AsyncLocalStorage<LogContext> };
  global[CONTEXT_KEY] ??= new AsyncLocalStorage<LogContext>();
  return global[CONTEXT_KEY];
}

/** Runs `work` with `context` added to every line it logs (nested calls keep the outer fields). */
export function withLogContext<T>(context: LogContext, work: () => T): T {
  return contextStorage().run({ ...contextStorage().getStore(), ...context }, work);
}

/**
 * The request id proxy.ts put on the request, from Next's own per-request store: a synchronous
 * read, so a log line needs no await. That store is Next's internal module; were it to move, lines
 * would lose their request id, not fail (e2e/operations.spec.ts checks the id is there).
 */
type RequestStore = { type?: string; headers?: { get(name: string): string | null } };
type WorkUnitStorageModule = { workUnitAsyncStorage: { getStore(): RequestStore | undefined } };
let nextWorkUnits: { getStore(): RequestStore | undefined } | null | undefined;
function requestIdFromNext(): string | undefined {
  if (nextWorkUnits === undefined) {
    try {
      // A plain require: resolved by Next's bundler to the one instance Next itself uses; absent outside Next.
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const storage: unknown = require("next/dist/server/app-render/work-unit-async-storage.external");
      nextWorkUnits = (storage as WorkUnitStorageModule).workUnitAsyncStorage;
    } catch {
      nextWorkUnits = null;
    }
  }
  const store = nextWorkUnits?.getStore();
  return store?.type === "request" ? (store.headers?.get("x-request-id") ?? undefined) : undefined;
}

function currentContext(): LogContext {
  const context = contextStorage().getStore() ?? {};
  const requestId = context.requestId ?? requestIdFromNext();
  return {
    ...(requestId ? { requestId } : {}),
    ...(context.operatorId !== undefined ? { operatorId: context.operatorId } : {}),
  };
}

/**
 * LOG_FORMAT=pretty: `12:00:00.123 INFO  message key=value …`, redacted like the JSON. Built in
 * (a dozen lines) rather than pino-pretty, which brings about fifteen packages for a terminal nicety.
 */
function prettyDestination(write: (text: string) => void): DestinationStream {
  return {
    write(line: string) {
      const { time, level, msg, ...fields } = JSON.parse(line) as Record<string, unknown>;
      // One terminal, one instance: its name would only repeat on every line.
      delete fields.instance;
      const clock = typeof time === "string" ? time.slice(11, 23) : "";
      const rest = Object.entries(fields).map(
        ([name, value]) => `${name}=${typeof value === "string" ? value : JSON.stringify(value)}`,
      );
      write(
        `${clock} ${String(level).toUpperCase().padEnd(5)} ${String(msg)}${rest.length ? ` ${rest.join(" ")}` : ""}\n`,
      );
    },
  };
}

/** A logger writing to `destination` (stdout by default, synchronously: nothing is lost at exit). */
export function createLogger({
  format = readLogFormat(),
  destination,
}: { format?: LogFormat; destination?: (text: string) => void } = {}): Logger {
  const write = destination ?? ((text: string) => void process.stdout.write(text));
  const stream: DestinationStream =
    format === "pretty"
      ? prettyDestination(write)
      : destination
        ? { write }
        : pino.destination({ dest: 1, sync: true });
  return pino(
    {
      base: { instance: safeInstanceId() },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: currentContext,
      hooks: { streamWrite: redactLine },
    },
    stream,
  );
}

const LOGGER_KEY = Symbol.for("faucet-console.logger");

/** The logger must be able to print a configuration error, so a bad configuration cannot stop it being made. */
function safeInstanceId(): string {
  try {
    return instanceId();
  } catch {
    return `pid-${process.pid}`;
  }
}

/** A LOG_FORMAT start-up refused never gets here; anything else read late falls back to JSON rather than throw from a log call. */
function safeFormat(): LogFormat {
  try {
    return readLogFormat();
  } catch {
    return "json";
  }
}

function logger(): Logger {
  const global = globalThis as { [LOGGER_KEY]?: Logger };
  global[LOGGER_KEY] ??= createLogger({ format: safeFormat() });
  return global[LOGGER_KEY];
}

/** An event's own fields: ids, counts, kinds. Never a key, a cookie or a body. */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

function describe(error: unknown): { type: string; message: string } {
  if (error instanceof Error) return { type: error.name, message: error.message };
  return { type: typeof error, message: String(error) };
}

export const log = {
  info(message: string, fields?: LogFields): void {
    logger().info(fields ?? {}, message);
  },
  warn(message: string, error?: unknown, fields?: LogFields): void {
    logger().warn({ ...fields, ...(error === undefined ? {} : { err: describe(error) }) }, message);
  },
  error(message: string, error?: unknown, fields?: LogFields): void {
    logger().error({ ...fields, ...(error === undefined ? {} : { err: describe(error) }) }, message);
  },
};
