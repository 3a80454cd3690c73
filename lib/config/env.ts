// Relative imports only: scripts/audit-verify.ts and the e2e support code load this outside Next too.
import { randomBytes } from "node:crypto";
import { accessSync, chmodSync, constants, mkdirSync, statSync } from "node:fs";
import { hostname } from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * The console's one configuration module (Unkey's `lib/env.ts` shape): one zod schema for every
 * environment variable the console reads, parsed once per process by `env()`. Start-up
 * (instrumentation.ts → checkConfiguration) parses it first, so a bad value stops the console
 * with one line naming every bad variable, and requests never meet a configuration error.
 * Nothing else in the console reads `process.env`, apart from the framework's own flags
 * (NODE_ENV, NEXT_RUNTIME), which Next.js inlines at build time.
 *
 * `loadEnv(source)` is the pure parse (tests hand it a source); `env()` caches the parse of
 * `process.env`, and `resetEnv()` drops that cache for a test that changes `process.env`.
 */

/** A setting the console cannot start with; its message names the variable and the fix. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export type EnvSource = Readonly<Record<string, string | undefined>>;

/** Which faucet the console talks to (see `faucetModeOf`). */
export type FaucetMode = { kind: "remote"; url: string } | { kind: "demo" } | { kind: "none" };

/**
 * Either a PostgreSQL URL, or the directory of an embedded PGlite database. Tests may give an
 * in-memory PGlite (`memory://`) a migrated data dir to start from (`loadDataDir`, a
 * `dumpDataDir()` tarball) instead of running initdb, or have a new data dir made by initdb
 * even where a store template exists (`useTemplate: false`); the environment never does.
 */
export type StoreOptions = { databaseUrl: string } | { pgliteDir: string; loadDataDir?: Blob; useTemplate?: boolean };

/** Every number the security rules read, so a typo stops start-up instead of silently meaning the default. */
export type SecuritySettings = {
  /** Proxies in front of the console that append to X-Forwarded-For; 0 ignores the header. */
  trustedProxyHops: number;
  /** CONSOLE_ORIGIN: the public origin an Origin header must equal; null compares with Host instead. */
  consoleOrigin: string | null;
  signInsPerClient: number;
  /** The per-instance backstop for sign-ins from all clients together. */
  signInsPerInstance: number;
  rotationsPerOperator: number;
  /** Calls of bulk runs per operator and minute: an incident rotates or freezes many agents at once. */
  bulkCallsPerOperator: number;
  agentChangesPerOperator: number;
  /** Hand-off redeem and lookup attempts per client address and minute (RATE_LIMIT_HANDOFFS). */
  handoffAttemptsPerClient: number;
  /** Demo mode: calls to the embedded faucet's HTTP endpoint without a key, per client address and minute. */
  demoKeylessCallsPerClient: number;
  demoMaxOperators: number;
  demoMaxAgentsPerOperator: number;
};

export type ConsoleEnv = {
  /** CONSOLE_DATA_DIR or ./.data: the generated session secret, the embedded store, the checkpoints. */
  dataDir: string;
  /** DATABASE_URL when set; otherwise PGlite under `<dataDir>/store`. */
  store: StoreOptions;
  faucet: FaucetMode;
  /** FAUCET_TIMEOUT_MS: how long one faucet call may take. */
  faucetTimeoutMs: number;
  /** SESSION_SECRET, checked for shape; null means generated into the data dir (embedded faucet only). */
  sessionSecret: string | null;
  /** AUDIT_KEY, checked for shape; null means derived from the session secret. */
  auditKey: string | null;
  /** AUDIT_CHECKPOINT_FILE or `<dataDir>/audit-checkpoints.jsonl`. */
  auditCheckpointFile: string;
  /** AUDIT_RETENTION_DAYS: how long audit events are kept before retention prunes them. */
  auditRetentionDays: number;
  /** SESSION_IDLE_MINUTES, or SESSION_IDLE_SECONDS when set (so a test can watch a session go idle). */
  sessionIdleMs: number;
  /** INSTANCE_ID when the deployment names its instances; null lets the console make one. */
  instanceId: string | null;
  security: SecuritySettings;
  /** Whether NEXT_SERVER_ACTIONS_ENCRYPTION_KEY is set (Next.js reads the value itself). */
  serverActionsKeySet: boolean;
  /** NEXT_DIST_DIR or .next: where the build (and the store template beside it) lives. */
  distDir: string;
  /** The embedded faucet's options (demo mode): FAUCET_DATA_DIR (or .data/faucet) and FAUCET_SEED_AGENTS (unset: the demo six). */
  embeddedFaucet: { dataDir: string; seedAgents: number | undefined };
  /** METRICS_TOKEN: the bearer a scraper sends to /api/metrics; null turns the endpoint off (404). */
  metricsToken: string | null;
  /** LOG_FORMAT: json lines for a platform, or pretty for a terminal (the default under `next dev`). */
  logFormat: LogFormat;
  /** SHUTDOWN_GRACE_SECONDS: how long a SIGTERM waits for rotations and lifecycle changes in flight. */
  shutdownGraceSeconds: number;
  /** HANDOFF_TTL_MINUTES: how long a hand-off link can be collected. */
  handoffTtlMinutes: number;
  /** KEY_MAX_AGE_DAYS: a key older than this is flagged "Key older than N days". */
  keyMaxAgeDays: number;
  /** WORKER_MODE: "embedded" (this process runs the rotation policy worker) or "external" (`npm run worker` does). */
  workerMode: WorkerMode;
};

export type WorkerMode = "embedded" | "external";

export type LogFormat = "json" | "pretty";
export const METRICS_TOKEN_MIN_LENGTH = 32;
export const MAX_HANDOFF_TTL_MINUTES = 1440;

/** How long one faucet call may take unless FAUCET_TIMEOUT_MS says otherwise. */
export const DEFAULT_FAUCET_TIMEOUT_MS = 10_000;
export const MIN_SECRET_LENGTH = 32;

// ---------------------------------------------------------------------------------------------
// Readers of one value each: pure, each error names its variable.

/** A value is unset when absent or blank. */
function given(raw: string | null | undefined): string | undefined {
  const trimmed = raw?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}

type IntegerRange = { fallback: number; min?: number; max?: number };

/** Unset or blank means the fallback; anything else that is not a whole number in range is an error. */
function integer(name: string, { fallback, min = 0, max = Number.MAX_SAFE_INTEGER }: IntegerRange) {
  return z
    .string()
    .optional()
    .transform((raw, context) => {
      const value = given(raw);
      if (value === undefined) return fallback;
      const number = Number(value);
      if (Number.isInteger(number) && number >= min && number <= max) return number;
      context.addIssue({
        code: "custom",
        message: `${name} must be a whole number from ${min} to ${max}; got "${value}".`,
      });
      return z.NEVER;
    });
}

/** Any other string: trimmed, blank means unset (null). */
const optionalText = z
  .string()
  .optional()
  .transform((raw) => given(raw) ?? null);

/**
 * A secret (SESSION_SECRET, AUDIT_KEY) is either one secret or, to rotate it, a JSON map such as
 * {"2":"<new>","1":"<old>"}: the highest id seals or writes, every id unseals or verifies.
 */
export function parseSecretMap(name: string, value: string): Record<string, string> {
  const trimmed = value.trim();
  let secrets: Record<string, string>;
  if (trimmed.startsWith("{")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch {
      throw new ConfigError(
        `${name} starts with "{" but is not valid JSON. Use a secret, or a map like {"2":"new…","1":"old…"}.`,
      );
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(`${name} as JSON must be an object mapping numeric ids to secrets.`);
    }
    secrets = {};
    for (const [id, secret] of Object.entries(parsed)) {
      if (!/^\d+$/.test(id) || typeof secret !== "string")
        throw new ConfigError(`${name} as JSON must map numeric ids to secret strings.`);
      secrets[id] = secret;
    }
    if (Object.keys(secrets).length === 0) throw new ConfigError(`${name} as JSON holds no secret.`);
  } else {
    secrets = { "1": trimmed };
  }
  for (const [id, secret] of Object.entries(secrets)) {
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new ConfigError(
        `${name}${Object.keys(secrets).length > 1 ? ` (id ${id})` : ""} is ${secret.length} characters; it must be at least ${MIN_SECRET_LENGTH}. Generate one with: openssl rand -base64 48`,
      );
    }
  }
  return secrets;
}

function secret(name: string) {
  return z
    .string()
    .optional()
    .transform((raw, context) => {
      const value = given(raw);
      if (value === undefined) return null;
      try {
        parseSecretMap(name, value);
      } catch (error) {
        context.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
      return value;
    });
}

/**
 * CONSOLE_ORIGIN: the console's public origin (`https://console.example.com`), as browsers
 * address it. When set, an action's or JSON route's Origin must equal it exactly, whatever
 * Host or X-Forwarded-Host say. Only an origin: a path, query or credentials would mean the
 * value is not what its name says, so start-up refuses it.
 */
const consoleOrigin = z
  .string()
  .optional()
  .transform((raw, context) => {
    if (raw === undefined || raw.trim() === "") return null;
    const value = raw.trim();
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      context.addIssue({
        code: "custom",
        message: `CONSOLE_ORIGIN must be an origin such as https://console.example.com; got "${value}".`,
      });
      return z.NEVER;
    }
    const bare =
      (url.pathname === "/" || url.pathname === "") &&
      !url.search &&
      !url.hash &&
      !url.username &&
      !url.password &&
      !value.endsWith("?") &&
      !value.endsWith("#");
    if ((url.protocol !== "https:" && url.protocol !== "http:") || !bare) {
      context.addIssue({
        code: "custom",
        message: `CONSOLE_ORIGIN must be an origin only (http(s)://host[:port], no path, query or credentials); got "${url.protocol === "https:" || url.protocol === "http:" ? url.origin + url.pathname : url.protocol}".`,
      });
      return z.NEVER;
    }
    return url.origin;
  });

/** A URL that does not parse would fail every request as "cannot be reached", forever. Never echoes it: it holds a password. */
const databaseUrl = z
  .string()
  .optional()
  .transform((raw, context) => {
    const value = given(raw);
    if (value === undefined) return null;
    let protocol: string | undefined;
    try {
      protocol = new URL(value).protocol;
    } catch {
      protocol = undefined;
    }
    if (protocol !== "postgres:" && protocol !== "postgresql:") {
      context.addIssue({
        code: "custom",
        message:
          "DATABASE_URL is not a PostgreSQL URL; it must look like postgres://user:password@host:5432/database (percent-encode special characters in the password).",
      });
      return z.NEVER;
    }
    return value;
  });

/** 127.0.0.0/8, ::1 and localhost: a plain-http faucet there never crosses a network. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/**
 * A faucet URL as it may be printed: origin and path only. Credentials (user:password@),
 * a query (?token=…) or a fragment could carry a secret, so they are never shown; an
 * unparseable value is not echoed at all.
 */
export function printableFaucetUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin === "null" ? "(not an http(s) URL)" : `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "(not a URL)";
  }
}

/** FAUCET_API_URL carries operator keys: https only, except to a faucet on this machine. */
export function checkFaucetUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`FAUCET_API_URL must be an https:// URL; got ${printableFaucetUrl(url)}.`);
  }
  if (parsed.protocol === "https:") return;
  if (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname)) return;
  if (parsed.protocol === "http:") {
    throw new ConfigError(
      `FAUCET_API_URL must use https:// (operator keys travel in it); plain http is accepted only for a loopback address. Got "${printableFaucetUrl(url)}".`,
    );
  }
  throw new ConfigError(`FAUCET_API_URL must be an https:// URL; got ${printableFaucetUrl(url)}.`);
}

/**
 * Which faucet the console talks to. Demo mode is the embedded faucet with its demo
 * operator and its public HTTP endpoint: on by default in development, and in production
 * only when FAUCET_DEMO=1 says so, because anyone who reaches the console reaches it.
 */
const faucetApiUrl = z
  .string()
  .optional()
  .transform((raw, context) => {
    const value = given(raw);
    if (value === undefined) return null;
    try {
      checkFaucetUrl(value);
    } catch (error) {
      context.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
    return value;
  });

export function faucetModeOf(source: {
  NODE_ENV?: string | undefined;
  FAUCET_API_URL?: string | null;
  FAUCET_DEMO?: string | null;
}): FaucetMode {
  const url = given(source.FAUCET_API_URL);
  if (url) return { kind: "remote", url };
  if (source.NODE_ENV !== "production" || given(source.FAUCET_DEMO) === "1") return { kind: "demo" };
  return { kind: "none" };
}

export function describeFaucetMode(mode: FaucetMode): string {
  if (mode.kind === "remote") return `faucet at ${printableFaucetUrl(mode.url)}`;
  return "DEMO MODE: embedded faucet with a public demo operator and HTTP endpoint (keyless calls rate-limited, operators and agents capped)";
}

const NO_FAUCET =
  "no faucet configured. In production set FAUCET_API_URL to the faucet's https:// endpoint, or set FAUCET_DEMO=1 to run the embedded demo faucet (its demo operator and HTTP endpoint are then open to anyone who can reach the console).";

// ---------------------------------------------------------------------------------------------
// The schema: every variable, as the environment spells it.

const schema = z
  .object({
    NODE_ENV: z.string().optional(),
    CONSOLE_DATA_DIR: optionalText,
    DATABASE_URL: databaseUrl,
    FAUCET_API_URL: faucetApiUrl,
    FAUCET_DEMO: optionalText,
    FAUCET_TIMEOUT_MS: integer("FAUCET_TIMEOUT_MS", { fallback: DEFAULT_FAUCET_TIMEOUT_MS, min: 1 }),
    SESSION_SECRET: secret("SESSION_SECRET"),
    SESSION_IDLE_MINUTES: integer("SESSION_IDLE_MINUTES", { fallback: 30, min: 1, max: 24 * 60 }),
    SESSION_IDLE_SECONDS: integer("SESSION_IDLE_SECONDS", { fallback: 0, min: 5, max: 24 * 3600 }),
    AUDIT_KEY: secret("AUDIT_KEY"),
    AUDIT_CHECKPOINT_FILE: optionalText,
    AUDIT_RETENTION_DAYS: integer("AUDIT_RETENTION_DAYS", { fallback: 365, min: 1, max: 36_500 }),
    INSTANCE_ID: optionalText,
    CONSOLE_ORIGIN: consoleOrigin,
    TRUSTED_PROXY_HOPS: integer("TRUSTED_PROXY_HOPS", { fallback: 0, max: 10 }),
    RATE_LIMIT_SIGN_INS: integer("RATE_LIMIT_SIGN_INS", { fallback: 10, min: 1 }),
    RATE_LIMIT_SIGN_INS_GLOBAL: integer("RATE_LIMIT_SIGN_INS_GLOBAL", { fallback: 100, min: 1 }),
    RATE_LIMIT_ROTATIONS: integer("RATE_LIMIT_ROTATIONS", { fallback: 20, min: 1 }),
    RATE_LIMIT_BULK_CALLS: integer("RATE_LIMIT_BULK_CALLS", { fallback: 6000, min: 1 }),
    RATE_LIMIT_AGENT_CHANGES: integer("RATE_LIMIT_AGENT_CHANGES", { fallback: 60, min: 1 }),
    FAUCET_DEMO_KEYLESS_CALLS: integer("FAUCET_DEMO_KEYLESS_CALLS", { fallback: 20, min: 1 }),
    FAUCET_DEMO_MAX_OPERATORS: integer("FAUCET_DEMO_MAX_OPERATORS", { fallback: 1000, min: 1 }),
    FAUCET_DEMO_MAX_AGENTS: integer("FAUCET_DEMO_MAX_AGENTS", { fallback: 1000, min: 1 }),
    NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: optionalText,
    NEXT_DIST_DIR: optionalText,
    FAUCET_DATA_DIR: optionalText,
    // -1: unset (the demo six); any other value must be a whole number of agents.
    FAUCET_SEED_AGENTS: integer("FAUCET_SEED_AGENTS", { fallback: -1, min: 0 }),
    METRICS_TOKEN: optionalText.refine(
      (token) => token === null || (token.length >= METRICS_TOKEN_MIN_LENGTH && !/\s/.test(token)),
      {
        message: `METRICS_TOKEN must be at least ${METRICS_TOKEN_MIN_LENGTH} characters without spaces (e.g. openssl rand -hex 32), or unset to turn /api/metrics off.`,
      },
    ),
    LOG_FORMAT: z
      .string()
      .optional()
      .superRefine((value, context) => {
        const problem = logFormatProblem({ LOG_FORMAT: value });
        if (problem) context.addIssue({ code: "custom", message: problem });
      }),
    SHUTDOWN_GRACE_SECONDS: integer("SHUTDOWN_GRACE_SECONDS", { fallback: 20, min: 0, max: 3600 }),
    HANDOFF_TTL_MINUTES: integer("HANDOFF_TTL_MINUTES", { fallback: 15, min: 1, max: MAX_HANDOFF_TTL_MINUTES }),
    RATE_LIMIT_HANDOFFS: integer("RATE_LIMIT_HANDOFFS", { fallback: 30, min: 1 }),
    KEY_MAX_AGE_DAYS: integer("KEY_MAX_AGE_DAYS", { fallback: 90, min: 1, max: 3650 }),
    WORKER_MODE: z
      .string()
      .optional()
      .transform((raw, context): WorkerMode => {
        const value = given(raw)?.toLowerCase();
        if (value === undefined || value === "embedded") return "embedded";
        if (value === "external") return "external";
        context.addIssue({
          code: "custom",
          message: `WORKER_MODE must be "embedded" (this process runs the policy worker) or "external" (npm run worker runs it); got "${raw}".`,
        });
        return z.NEVER;
      }),
  })
  .superRefine((raw, context) => {
    const mode = faucetModeOf(raw);
    if (mode.kind === "remote") {
      if (!raw.SESSION_SECRET) {
        context.addIssue({
          code: "custom",
          path: ["SESSION_SECRET"],
          message:
            "SESSION_SECRET is required when FAUCET_API_URL is set (at least 32 characters; the same value on every instance).",
        });
      }
    }
    if (mode.kind === "none") context.addIssue({ code: "custom", path: ["FAUCET_API_URL"], message: NO_FAUCET });
    // The embedded store and faucet belong to the console process: a separate worker can share neither.
    if (raw.WORKER_MODE === "external" && (!raw.DATABASE_URL || mode.kind !== "remote")) {
      context.addIssue({
        code: "custom",
        path: ["WORKER_MODE"],
        message:
          "WORKER_MODE=external needs DATABASE_URL and FAUCET_API_URL (the worker process shares the console's PostgreSQL and faucet; the embedded ones belong to the console process). Unset it to run the worker in the console.",
      });
    }
  });

/**
 * Parses a source (process.env at start-up, a literal in tests) into the console's settings, or
 * throws one ConfigError whose one line names every bad variable. `cwd` anchors the defaults.
 */
export function loadEnv(source: EnvSource, cwd = process.cwd()): ConsoleEnv {
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join(" "));
  const raw = parsed.data;
  const dataDir = raw.CONSOLE_DATA_DIR ?? path.join(cwd, ".data");
  return {
    dataDir,
    store: raw.DATABASE_URL ? { databaseUrl: raw.DATABASE_URL } : { pgliteDir: path.join(dataDir, "store") },
    faucet: faucetModeOf(raw),
    faucetTimeoutMs: raw.FAUCET_TIMEOUT_MS,
    sessionSecret: raw.SESSION_SECRET,
    auditKey: raw.AUDIT_KEY,
    auditCheckpointFile: raw.AUDIT_CHECKPOINT_FILE ?? path.join(dataDir, "audit-checkpoints.jsonl"),
    auditRetentionDays: raw.AUDIT_RETENTION_DAYS,
    sessionIdleMs: raw.SESSION_IDLE_SECONDS > 0 ? raw.SESSION_IDLE_SECONDS * 1000 : raw.SESSION_IDLE_MINUTES * 60_000,
    instanceId: raw.INSTANCE_ID,
    security: {
      trustedProxyHops: raw.TRUSTED_PROXY_HOPS,
      consoleOrigin: raw.CONSOLE_ORIGIN,
      signInsPerClient: raw.RATE_LIMIT_SIGN_INS,
      signInsPerInstance: raw.RATE_LIMIT_SIGN_INS_GLOBAL,
      rotationsPerOperator: raw.RATE_LIMIT_ROTATIONS,
      bulkCallsPerOperator: raw.RATE_LIMIT_BULK_CALLS,
      agentChangesPerOperator: raw.RATE_LIMIT_AGENT_CHANGES,
      handoffAttemptsPerClient: raw.RATE_LIMIT_HANDOFFS,
      demoKeylessCallsPerClient: raw.FAUCET_DEMO_KEYLESS_CALLS,
      demoMaxOperators: raw.FAUCET_DEMO_MAX_OPERATORS,
      demoMaxAgentsPerOperator: raw.FAUCET_DEMO_MAX_AGENTS,
    },
    serverActionsKeySet: raw.NEXT_SERVER_ACTIONS_ENCRYPTION_KEY !== null,
    distDir: raw.NEXT_DIST_DIR ?? ".next",
    embeddedFaucet: {
      dataDir: path.resolve(cwd, raw.FAUCET_DATA_DIR ?? path.join(".data", "faucet")),
      seedAgents: raw.FAUCET_SEED_AGENTS < 0 ? undefined : raw.FAUCET_SEED_AGENTS,
    },
    metricsToken: raw.METRICS_TOKEN,
    logFormat: logFormatOf({ LOG_FORMAT: raw.LOG_FORMAT, NODE_ENV: raw.NODE_ENV }),
    shutdownGraceSeconds: raw.SHUTDOWN_GRACE_SECONDS,
    handoffTtlMinutes: raw.HANDOFF_TTL_MINUTES,
    keyMaxAgeDays: raw.KEY_MAX_AGE_DAYS,
    workerMode: raw.WORKER_MODE,
  };
}

function logFormatProblem(source: EnvSource): string | null {
  const raw = given(source.LOG_FORMAT)?.toLowerCase();
  return raw === undefined || raw === "json" || raw === "pretty"
    ? null
    : `LOG_FORMAT must be "json" or "pretty"; got "${source.LOG_FORMAT}".`;
}

/**
 * LOG_FORMAT alone, readable before the rest of the configuration is checked (the logger is made
 * when its module loads, and it must be able to print a configuration error). Unset: pretty under
 * `next dev`, json otherwise.
 */
export function logFormatOf(source: EnvSource = process.env): LogFormat {
  const problem = logFormatProblem(source);
  if (problem) throw new ConfigError(problem);
  const raw = given(source.LOG_FORMAT)?.toLowerCase();
  if (raw === "json" || raw === "pretty") return raw;
  return source.NODE_ENV === "development" ? "pretty" : "json";
}

const globalForEnv = globalThis as { consoleEnv?: ConsoleEnv };

/** The process's settings, parsed once (start-up parses first, so a request never meets a ConfigError). */
export function env(): ConsoleEnv {
  globalForEnv.consoleEnv ??= loadEnv(process.env);
  return globalForEnv.consoleEnv;
}

/** For tests that change process.env: the next env() parses it again. */
export function resetEnv(): void {
  delete globalForEnv.consoleEnv;
}

export function isDemoMode(): boolean {
  return env().faucet.kind === "demo";
}

/** Read once per process; start-up has already validated them. */
export function securitySettings(): SecuritySettings {
  return env().security;
}

// ---------------------------------------------------------------------------------------------
// Constants nobody tunes (they were variables once; the README lists them).

/** Calls in flight at once in a bulk run: gentle on the faucet, fast enough for an incident. */
export const BULK_CONCURRENCY = 4;

// ---------------------------------------------------------------------------------------------
// What follows from the settings, made once per process.

/**
 * The secrets as the session and audit modules resolve them (pure functions over a record, so their
 * tests hand them one): SESSION_SECRET, AUDIT_KEY and whether a remote faucet needs a shared secret.
 */
export function secretsOf(settings: ConsoleEnv = env()): EnvSource {
  return {
    SESSION_SECRET: settings.sessionSecret ?? undefined,
    AUDIT_KEY: settings.auditKey ?? undefined,
    FAUCET_API_URL: settings.faucet.kind === "remote" ? settings.faucet.url : undefined,
  };
}

const globalForInstance = globalThis as { consoleInstanceId?: string };

/**
 * Which console process did something, for the rotation records and the audit log:
 * INSTANCE_ID when the deployment names its instances, else host, pid and a random
 * tail, so two runs of the same pid never look like one.
 */
export function instanceId(): string {
  globalForInstance.consoleInstanceId ??=
    env().instanceId ?? `${hostname()}:${process.pid}:${randomBytes(2).toString("hex")}`;
  return globalForInstance.consoleInstanceId;
}

/** Group and other permission bits: none may be set on anything under the data dir. */
export const NOT_OWNER_BITS = 0o077;

/**
 * Makes `dir` (and any missing parent) exist, owned by this process's user alone (0700), and
 * writable: the console never relies on another feature, or an operator, having made it first.
 * A directory the console cannot make so stops start-up, naming it and CONSOLE_DATA_DIR, rather
 * than letting every request fail later.
 */
export function ensurePrivateDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // An existing directory (an older console, an operator's mkdir) is tightened too.
    if ((statSync(dir).mode & NOT_OWNER_BITS) !== 0) chmodSync(dir, 0o700);
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new ConfigError(
      `the data directory ${dir} cannot be created as a private, writable directory (${reason}). Make it writable by the user running the console, or set CONSOLE_DATA_DIR to a directory that is.`,
    );
  }
}

/**
 * Start-up's check (instrumentation.ts): parses every variable, makes the directories the
 * console will write to, and says which faucet it talks to. A ConfigError stops start-up with
 * its one line; the secrets themselves are resolved right after (instrumentation.ts).
 */
export function checkConfiguration(): ConsoleEnv {
  try {
    resetEnv();
    const settings = env();
    // Made here, not by whichever feature happens to write there first (a fresh checkout has no .data/).
    if (settings.sessionSecret === null) ensurePrivateDir(settings.dataDir);
    if ("pgliteDir" in settings.store) ensurePrivateDir(settings.store.pgliteDir);
    console.info(`Faucet Console: ${describeFaucetMode(settings.faucet)}.`);
    if (settings.faucet.kind === "remote" && process.env.NODE_ENV === "production" && !settings.serverActionsKeySet) {
      // Fine for one instance; behind a load balancer every instance needs the same key.
      console.warn(
        "Faucet Console: NEXT_SERVER_ACTIONS_ENCRYPTION_KEY is not set. Set the same value on every instance when running several.",
      );
    }
    return settings;
  } catch (error) {
    stopStartingOnConfigError(error);
  }
}

/** A ConfigError stops start-up with its one line; anything else is a bug and is rethrown. */
export function stopStartingOnConfigError(error: unknown): never {
  if (error instanceof ConfigError) {
    console.error(`\nFaucet Console cannot start: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}
