import { join } from "node:path";
import { waitForHttp as waitUntilAnswering } from "../../e2e/support/wait-until-up";
import { REPO } from "./build";
import { startProcess, type Tracked } from "./processes";

export type Server = Tracked & { url: string };

/** Secrets of the bench's consoles on the stand-alone faucet (never used anywhere else). */
export const BENCH_SECRETS = {
  SESSION_SECRET: "bench-session-secret-0123456789-abcdefghijklmnop",
  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: "YmVuY2gtYWN0aW9ucy1rZXktMDEyMzQ1Njc4OWFiY2Q=",
};

/** Limits high enough that the bench measures work, not refusals. */
const GENEROUS_LIMITS = {
  RATE_LIMIT_SIGN_INS: "100000",
  RATE_LIMIT_SIGN_INS_GLOBAL: "100000",
  RATE_LIMIT_ROTATIONS: "100000",
  FAUCET_DEMO_KEYLESS_CALLS: "100000",
};

/** Polls until the server answers at all (any status below 500). */
export async function waitForHttp(url: string, timeoutMs = 90_000): Promise<void> {
  if ((await waitUntilAnswering(url, { timeoutMs })) !== "answering")
    throw new Error(`${url} did not come up within ${timeoutMs / 1000} s`);
}

function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" };
  // Settings from the caller's shell must not leak in: each server gets exactly its own.
  for (const name of [
    "FAUCET_API_URL",
    "NEXT_DIST_DIR",
    "FAUCET_SEED_AGENTS",
    "FAUCET_DATA_DIR",
    "CONSOLE_DATA_DIR",
    "SESSION_SECRET",
    "DATABASE_URL",
  ])
    delete env[name];
  return env;
}

/** The stand-alone faucet emulator with its /__test controls. */
export async function startFaucet({
  port,
  dataDir,
  logFile,
  seedAgents,
}: {
  port: number;
  dataDir: string;
  logFile: string;
  seedAgents?: number;
}): Promise<Server> {
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    PORT: String(port),
    FAUCET_DATA_DIR: dataDir,
    FAUCET_TEST_CONTROL: "1",
  };
  if (seedAgents !== undefined) env.FAUCET_SEED_AGENTS = String(seedAgents);
  const server = startProcess(`faucet :${port}`, process.execPath, ["packages/faucet-emulator/bin/faucet.js"], {
    cwd: REPO,
    env,
    logFile,
  });
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/__test/stats`);
  return { ...server, url };
}

type ConsoleOptions = {
  port: number;
  distDir: string;
  dataDir: string;
  /** The stand-alone faucet's API URL; unset runs the console on its embedded faucet. */
  faucetApiUrl?: string;
  seedAgents?: number;
  /** A PostgreSQL database for the console's store; unset, it opens PGlite under dataDir. */
  databaseUrl?: string;
};

/** `next start` of the bench's build, on loopback. */
export async function startConsole({
  port,
  distDir,
  dataDir,
  faucetApiUrl,
  seedAgents,
  databaseUrl,
}: ConsoleOptions): Promise<Server> {
  const env: NodeJS.ProcessEnv = {
    ...baseEnv(),
    ...GENEROUS_LIMITS,
    NEXT_DIST_DIR: distDir,
    CONSOLE_DATA_DIR: dataDir,
  };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  if (faucetApiUrl) Object.assign(env, { FAUCET_API_URL: faucetApiUrl, ...BENCH_SECRETS });
  // A production console on the embedded faucet is demo mode, which production turns on only on request.
  else Object.assign(env, { FAUCET_DATA_DIR: join(dataDir, "faucet"), FAUCET_DEMO: "1" });
  if (seedAgents !== undefined) env.FAUCET_SEED_AGENTS = String(seedAgents);
  const server = startProcess(
    `console :${port}`,
    join(REPO, "node_modules", ".bin", "next"),
    ["start", "-H", "127.0.0.1", "-p", String(port)],
    {
      cwd: REPO,
      env,
      logFile: join(dataDir, "server.log"),
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/`);
  return { ...server, url };
}

/** `next start` of any built Next app (the empty baseline of figure 2, the floor of figure 1), with `env` added. */
export async function startNextApp({
  port,
  dir,
  logFile,
  env = {},
}: {
  port: number;
  dir: string;
  logFile: string;
  env?: Record<string, string>;
}): Promise<Server> {
  const server = startProcess(
    `next app :${port}`,
    join(REPO, "node_modules", ".bin", "next"),
    ["start", "-H", "127.0.0.1", "-p", String(port)],
    {
      cwd: dir,
      env: { ...baseEnv(), ...env },
      logFile,
    },
  );
  const url = `http://127.0.0.1:${port}`;
  await waitForHttp(`${url}/`);
  return { ...server, url };
}
