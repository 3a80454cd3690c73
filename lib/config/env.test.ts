import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { clientAddressOf } from "@/lib/security/origin";
import {
  checkConfiguration,
  checkFaucetUrl,
  ConfigError,
  describeFaucetMode,
  ensurePrivateDir,
  faucetModeOf,
  loadEnv,
  printableFaucetUrl,
} from "./env";

const env = (values: Record<string, string>) => values as NodeJS.ProcessEnv;

describe("faucet mode", () => {
  it("keeps demo mode on in development with no configuration", () => {
    expect(faucetModeOf(env({ NODE_ENV: "development" }))).toEqual({ kind: "demo" });
  });

  it("turns demo mode off in production unless FAUCET_DEMO=1", () => {
    expect(faucetModeOf(env({ NODE_ENV: "production" }))).toEqual({ kind: "none" });
    expect(faucetModeOf(env({ NODE_ENV: "production", FAUCET_DEMO: "yes" }))).toEqual({ kind: "none" });
    expect(faucetModeOf(env({ NODE_ENV: "production", FAUCET_DEMO: "1" }))).toEqual({ kind: "demo" });
  });

  it("refuses to start a production console with no faucet, saying what to set", () => {
    expect(() => loadEnv(env({ NODE_ENV: "production" }))).toThrow(
      /no faucet configured.*FAUCET_API_URL.*FAUCET_DEMO=1/,
    );
  });

  it("never offers demo mode when a faucet URL is set", () => {
    expect(
      faucetModeOf(env({ NODE_ENV: "development", FAUCET_DEMO: "1", FAUCET_API_URL: "https://f.example/api" })),
    ).toEqual({ kind: "remote", url: "https://f.example/api" });
  });
});

describe("FAUCET_API_URL", () => {
  it("accepts https anywhere and plain http only on loopback", () => {
    for (const url of [
      "https://lightningfaucet.com/ai-agents/api",
      "http://127.0.0.1:4010/ai-agents/api",
      "http://127.3.2.1/api",
      "http://localhost:4010/api",
      "http://[::1]:4010/api",
    ]) {
      expect(() => checkFaucetUrl(url), url).not.toThrow();
    }
  });

  it("refuses plain http to any other host with a clear message", () => {
    for (const url of [
      "http://lightningfaucet.com/ai-agents/api",
      "http://10.0.0.5/api",
      "http://127.0.0.1.evil.example/api",
      "http://localhost.evil.example/api",
    ]) {
      expect(() => checkFaucetUrl(url), url).toThrow(/FAUCET_API_URL must use https:\/\/.*loopback/);
    }
  });

  it("refuses what is not an http(s) URL", () => {
    for (const url of ["ftp://127.0.0.1/api", "lightningfaucet.com/api", "javascript:alert(1)"]) {
      expect(() => checkFaucetUrl(url), url).toThrow(/FAUCET_API_URL must be an https:\/\/ URL/);
    }
  });
});

describe("printing FAUCET_API_URL", () => {
  const secretUrl = "https://user:pa55word@faucet.example:8443/ai-agents/api?token=s3cret#frag";

  it("prints origin and path only: no credentials, query or fragment", () => {
    expect(printableFaucetUrl(secretUrl)).toBe("https://faucet.example:8443/ai-agents/api");
    expect(describeFaucetMode({ kind: "remote", url: secretUrl })).toBe(
      "faucet at https://faucet.example:8443/ai-agents/api",
    );
  });

  it("never echoes a value it cannot parse", () => {
    expect(printableFaucetUrl("lf_0123456789abcdef not a url")).toBe("(not a URL)");
    expect(printableFaucetUrl("javascript:lf_0123456789abcdef")).toBe("(not an http(s) URL)");
  });

  it("keeps secrets out of start-up's refusals too", () => {
    for (const url of [
      "http://user:pa55word@faucet.example/api?token=s3cret",
      "ftp://user:pa55word@127.0.0.1/api?token=s3cret",
      "user:pa55word s3cret",
    ]) {
      const refusal = (() => {
        try {
          checkFaucetUrl(url);
          return "";
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(refusal, url).toMatch(/^FAUCET_API_URL must/);
      expect(refusal, url).not.toMatch(/pa55word|s3cret|user/);
    }
  });
});

describe("security settings", () => {
  it("ignores X-Forwarded-For by default: a client without a proxy cannot choose its address", () => {
    const { trustedProxyHops } = loadEnv(env({})).security;
    expect(trustedProxyHops).toBe(0);
    const addresses = ["1.1.1.1", "2.2.2.2", "3.3.3.3, 4.4.4.4"].map((forwarded) =>
      clientAddressOf(new Headers({ "x-forwarded-for": forwarded }), trustedProxyHops),
    );
    expect(new Set(addresses)).toEqual(new Set(["direct"]));
    expect(clientAddressOf(new Headers({ "x-forwarded-for": "1.1.1.1, 203.0.113.9" }), 1)).toBe("203.0.113.9");
  });

  it("has sane defaults", () => {
    expect(loadEnv(env({})).security).toEqual({
      trustedProxyHops: 0,
      consoleOrigin: null,
      signInsPerClient: 10,
      signInsPerInstance: 100,
      rotationsPerOperator: 20,
      bulkCallsPerOperator: 6000,
      agentChangesPerOperator: 60,
      handoffAttemptsPerClient: 30,
      demoKeylessCallsPerClient: 20,
      demoMaxOperators: 1000,
      demoMaxAgentsPerOperator: 1000,
    });
  });

  it("stops start-up on a bad number, naming the variable", () => {
    expect(() => loadEnv(env({ TRUSTED_PROXY_HOPS: "one" }))).toThrow(
      /TRUSTED_PROXY_HOPS must be a whole number from 0 to 10; got "one"/,
    );
    expect(() => loadEnv(env({ RATE_LIMIT_SIGN_INS_GLOBAL: "0" }))).toThrow(/RATE_LIMIT_SIGN_INS_GLOBAL/);
    expect(() => loadEnv(env({ FAUCET_DEMO_MAX_OPERATORS: "1e3x" }))).toThrow(/FAUCET_DEMO_MAX_OPERATORS/);
  });
});

const root = mkdtempSync("/tmp/faucet-console-data-dir-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("ensurePrivateDir", () => {
  it("creates a data dir under a missing parent, owner-only", () => {
    const dir = path.join(root, "missing", "parent", ".data");
    ensurePrivateDir(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("tightens an existing directory that others can read", () => {
    const dir = path.join(root, "loose");
    mkdirSync(dir, { mode: 0o755 });
    ensurePrivateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("refuses a directory it cannot create, naming it and CONSOLE_DATA_DIR", () => {
    // Under a regular file: fails for root too, unlike a permission.
    const file = path.join(root, "a-file");
    writeFileSync(file, "");
    const dir = path.join(file, ".data");
    expect(() => ensurePrivateDir(dir)).toThrow(ConfigError);
    expect(() => ensurePrivateDir(dir)).toThrow(
      `the data directory ${dir} cannot be created as a private, writable directory (ENOTDIR)`,
    );
    expect(() => ensurePrivateDir(dir)).toThrow("CONSOLE_DATA_DIR");
  });
});

/**
 * Start-up's check (instrumentation.ts calls it first) with `env` over this process's environment:
 * asserts it exited 1 having printed exactly one message, and returns that message.
 */
function startUpRefusal(env: NodeJS.ProcessEnv): string {
  process.env = { ...env };
  const exit = vi.spyOn(process, "exit").mockImplementation((() => {
    throw new Error("exited");
  }) as never);
  const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
  vi.spyOn(console, "info").mockImplementation(() => undefined);
  expect(() => checkConfiguration()).toThrow("exited");
  expect(exit).toHaveBeenCalledWith(1);
  expect(error).toHaveBeenCalledTimes(1);
  const message = String(error.mock.calls[0]?.[0]).trim();
  expect(message).toMatch(/^Faucet Console cannot start: /);
  return message;
}

// The refusal's wiring (instrumentation → checkConfiguration → exit 1) is proven by one real refused
// `next start` in e2e/demo-mode.spec.ts; each refusal's message needs no second one.
describe("start-up refusals", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  for (const [name, env] of [
    ["the generated session secret's", {}],
    ["the embedded store's (SESSION_SECRET set)", { SESSION_SECRET: "s".repeat(48) }],
  ] as const) {
    it(`a data dir it cannot create: one line naming the directory, ${name}`, () => {
      const file = path.join(root, `file-${name.length}`);
      writeFileSync(file, "");
      const dir = path.join(file, "data");
      const message = startUpRefusal({ ...saved, ...env, CONSOLE_DATA_DIR: dir, FAUCET_API_URL: "", DATABASE_URL: "" });
      expect(message.split("\n")).toHaveLength(1);
      expect(message).toMatch(/^Faucet Console cannot start: the data directory .* cannot be created/);
      expect(message).toContain(dir);
      expect(message).toContain("CONSOLE_DATA_DIR");
    });
  }

  it("a plain-http faucet URL off loopback: a clear message", () => {
    const message = startUpRefusal({
      ...saved,
      NODE_ENV: "production",
      FAUCET_API_URL: "http://faucet.example/ai-agents/api",
      SESSION_SECRET: "e2e-session-secret-0123456789-abcdefghijklmnop",
      NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: "3q2+7w8zVd6Rk2d3Yp1mQm3y6Z0uNw9kQm1nZ1o2Z3Q=",
      CONSOLE_DATA_DIR: path.join(root, "plain-http"),
      DATABASE_URL: "",
    });
    expect(message).toContain(
      'FAUCET_API_URL must use https:// (operator keys travel in it); plain http is accepted only for a loopback address. Got "http://faucet.example/ai-agents/api".',
    );
  });

  // These were two more `next start` runs in e2e/session-security.spec.ts.
  for (const [name, secret, expected] of [
    ["one too short", "x".repeat(31), "SESSION_SECRET is 31 characters; it must be at least 32"],
    ["missing with a faucet URL", "", "SESSION_SECRET is required when FAUCET_API_URL is set"],
  ] as const) {
    it(`a bad SESSION_SECRET, ${name}: a clear message that does not echo it`, () => {
      const message = startUpRefusal({
        ...saved,
        NODE_ENV: "production",
        FAUCET_API_URL: "http://127.0.0.1:3110/ai-agents/api",
        SESSION_SECRET: secret,
        CONSOLE_DATA_DIR: path.join(root, `bad-secret-${secret.length}`),
        DATABASE_URL: "",
      });
      expect(message).toContain(expected);
      if (secret) expect(message).not.toContain(secret);
    });
  }
});

describe("the schema (loadEnv)", () => {
  it("gives every default from an empty environment", () => {
    const settings = loadEnv({}, "/srv/console");
    expect(settings).toMatchObject({
      dataDir: "/srv/console/.data",
      store: { pgliteDir: "/srv/console/.data/store" },
      faucet: { kind: "demo" },
      faucetTimeoutMs: 10_000,
      sessionSecret: null,
      auditKey: null,
      auditCheckpointFile: "/srv/console/.data/audit-checkpoints.jsonl",
      auditRetentionDays: 365,
      sessionIdleMs: 30 * 60_000,
      instanceId: null,
      serverActionsKeySet: false,
      distDir: ".next",
    });
  });

  it("reads what is set, trimmed", () => {
    const settings = loadEnv({
      CONSOLE_DATA_DIR: " /var/lib/console ",
      DATABASE_URL: "postgres://u@db:5432/c",
      FAUCET_API_URL: "https://faucet.example/api",
      SESSION_SECRET: "s".repeat(48),
      AUDIT_RETENTION_DAYS: "30",
      SESSION_IDLE_SECONDS: "8",
      INSTANCE_ID: "console-a",
      RATE_LIMIT_ROTATIONS: "7",
    });
    expect(settings.dataDir).toBe("/var/lib/console");
    expect(settings.store).toEqual({ databaseUrl: "postgres://u@db:5432/c" });
    expect(settings.faucet).toEqual({ kind: "remote", url: "https://faucet.example/api" });
    expect(settings.auditRetentionDays).toBe(30);
    expect(settings.sessionIdleMs).toBe(8_000);
    expect(settings.instanceId).toBe("console-a");
    expect(settings.security.rotationsPerOperator).toBe(7);
  });

  // One bad value per variable: each must be named in the one error, so an operator fixes them all in one go.
  const BAD: Record<string, string> = {
    DATABASE_URL: "mysql://db/c",
    FAUCET_API_URL: "http://faucet.example/api",
    FAUCET_TIMEOUT_MS: "0",
    SESSION_SECRET: "short",
    SESSION_IDLE_MINUTES: "0.5",
    SESSION_IDLE_SECONDS: "4",
    AUDIT_KEY: "{not json",
    AUDIT_RETENTION_DAYS: "forever",
    CONSOLE_ORIGIN: "https://console.example/path",
    TRUSTED_PROXY_HOPS: "11",
    RATE_LIMIT_SIGN_INS: "2O",
    RATE_LIMIT_SIGN_INS_GLOBAL: "0",
    RATE_LIMIT_ROTATIONS: "-1",
    RATE_LIMIT_BULK_CALLS: "1.5",
    RATE_LIMIT_AGENT_CHANGES: "many",
    FAUCET_DEMO_KEYLESS_CALLS: "Infinity",
    FAUCET_SEED_AGENTS: "abc",
    METRICS_TOKEN: "too-short",
    LOG_FORMAT: "xml",
    SHUTDOWN_GRACE_SECONDS: "3601",
    HANDOFF_TTL_MINUTES: "1441",
    RATE_LIMIT_HANDOFFS: "0",
    KEY_MAX_AGE_DAYS: "0",
    WORKER_MODE: "sidecar",
    FAUCET_DEMO_MAX_OPERATORS: "1e3x",
    FAUCET_DEMO_MAX_AGENTS: "NaN",
  };

  it.each(Object.entries(BAD))("names %s alone when it is the one bad value", (name, value) => {
    const source = name === "FAUCET_API_URL" ? { [name]: value, SESSION_SECRET: "s".repeat(48) } : { [name]: value };
    expect(() => loadEnv(source)).toThrow(ConfigError);
    expect(() => loadEnv(source)).toThrow(name);
  });

  it("names every bad value at once, on one line", () => {
    let message = "";
    try {
      loadEnv(BAD);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    for (const name of Object.keys(BAD)) expect(message, name).toContain(name);
    expect(message.split("\n")).toHaveLength(1);
  });

  it("never echoes a secret it refuses", () => {
    const message = (() => {
      try {
        loadEnv({
          DATABASE_URL: "mysql://u:pa55word@db/c",
          FAUCET_API_URL: "http://u:pa55word@faucet.example/api?token=s3cret",
          SESSION_SECRET: "pa55word",
        });
        return "";
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/DATABASE_URL/);
    expect(message).not.toMatch(/pa55word|s3cret/);
  });

  it("runs the policy worker in the console by default; WORKER_MODE=external leaves it to npm run worker", () => {
    expect(loadEnv({}).workerMode).toBe("embedded");
    const shared = {
      DATABASE_URL: "postgres://c@db/c",
      FAUCET_API_URL: "https://f.example/api",
      SESSION_SECRET: "s".repeat(48),
    };
    expect(loadEnv({ ...shared, WORKER_MODE: " External " }).workerMode).toBe("external");
    expect(() => loadEnv({ WORKER_MODE: "external" })).toThrow(
      /WORKER_MODE=external needs DATABASE_URL and FAUCET_API_URL/,
    );
    expect(() => loadEnv({ ...shared, DATABASE_URL: undefined, WORKER_MODE: "external" })).toThrow(
      /needs DATABASE_URL/,
    );
    expect(loadEnv({ WORKER_MODE: "embedded" }).workerMode).toBe("embedded");
    expect(() => loadEnv({ WORKER_MODE: "both" })).toThrow(/WORKER_MODE must be "embedded" .* or "external"/);
  });

  it("requires SESSION_SECRET with a remote faucet, and a faucet in production", () => {
    expect(() => loadEnv({ FAUCET_API_URL: "https://faucet.example/api" })).toThrow(
      /SESSION_SECRET is required when FAUCET_API_URL is set/,
    );
    expect(() => loadEnv({ NODE_ENV: "production" })).toThrow(/no faucet configured/);
    expect(loadEnv({ NODE_ENV: "production", FAUCET_DEMO: "1" }).faucet).toEqual({ kind: "demo" });
  });
});
