import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { connect } from "node:net";
import { GENEROUS_LIMITS, SERVERS, SHARED_SECRETS, TEST_KEEP_ALIVE_ARGS } from "./servers";
import { answersHttp, waitUntilUp } from "./wait-until-up";

/**
 * The servers every e2e run shares, started side by side by Playwright's globalSetup and stopped
 * by its teardown. Playwright's own `webServer` list starts one after the other, each waiting for
 * the one before to answer: 12.6 s here for these five, against 7.3 s side by side (only
 * consoles A and B wait, for the PostgreSQL they share).
 */

export const dataRoot = process.env.E2E_DATA_DIR ?? `.data-e2e-${SERVERS.embedded.port}`;

/** Each console's output goes to <dir>/server.log, where the secret-hygiene test searches it for keys. */
const nextStart = (port: number, dir: string) =>
  `rm -rf ${dir} && mkdir -p ${dir} && exec npx next start -H 127.0.0.1 -p ${port} ${TEST_KEEP_ALIVE_ARGS.join(" ")} > ${dir}/server.log 2>&1`;

type TestServer = {
  name: string;
  command: string;
  env: Record<string, string>;
  /** Ready when this URL answers below 500, or (for PostgreSQL) when this port accepts a connection. */
  ready: { url: string } | { port: number };
  /** Where the server writes its output, if not to this process (a console: its server.log). */
  logFile?: string;
  /** SIGTERM and this long to exit before SIGKILL; without it the process group is killed at once. */
  gracefulStopMs?: number;
};

// Generous limits for the test servers: limits are counted in each console's store, and A and B
// share one, so the rate-limit tests use a console of their own with the defaults.
const embedded: TestServer = {
  name: "embedded console",
  command: nextStart(SERVERS.embedded.port, `${dataRoot}/embedded`),
  env: {
    CONSOLE_DATA_DIR: `${dataRoot}/embedded`,
    FAUCET_DATA_DIR: `${dataRoot}/embedded/faucet`,
    // `next start` is production, where the embedded faucet's demo mode is on only on request.
    FAUCET_DEMO: "1",
    ...GENEROUS_LIMITS,
  },
  ready: { url: `${SERVERS.embedded.url}/` },
  logFile: `${dataRoot}/embedded/server.log`,
};

const faucet: TestServer = {
  name: "stand-alone faucet",
  command: `rm -rf ${dataRoot}/faucet && exec node packages/faucet-emulator/bin/faucet.js`,
  env: { PORT: String(SERVERS.faucet.port), FAUCET_DATA_DIR: `${dataRoot}/faucet`, FAUCET_TEST_CONTROL: "1" },
  ready: { url: `${SERVERS.faucet.url}/__test/stats` },
};

// Consoles A and B share one PostgreSQL, as several instances behind a balancer do.
// node itself, not the npx/tsx wrappers: the SIGTERM must reach the script so it can delete the cluster.
const postgres: TestServer = {
  name: "PostgreSQL",
  command: `exec node --import tsx e2e/support/serve-postgres.ts ${SERVERS.postgres.port}`,
  env: {},
  ready: { port: SERVERS.postgres.port },
  gracefulStopMs: 10_000,
};

const remotes: TestServer[] = [SERVERS.remoteA, SERVERS.remoteB].map((server) => ({
  name: `console on port ${server.port}`,
  command: nextStart(server.port, `${dataRoot}/remote-${server.port}`),
  env: {
    FAUCET_API_URL: `${SERVERS.faucet.url}/ai-agents/api`,
    FAUCET_TIMEOUT_MS: "3000",
    CONSOLE_DATA_DIR: `${dataRoot}/remote-${server.port}`,
    DATABASE_URL: SERVERS.postgres.url,
    ...SHARED_SECRETS,
    ...GENEROUS_LIMITS,
  },
  ready: { url: `${server.url}/` },
  logFile: `${dataRoot}/remote-${server.port}/server.log`,
}));

const START_TIMEOUT_MS = 60_000;

type Running = { server: TestServer; child: ChildProcess; output: () => string; exited: Promise<void> };

function isAnswering(ready: TestServer["ready"]): Promise<boolean> {
  if ("url" in ready) return answersHttp(ready.url);
  return new Promise((resolve) => {
    const socket = connect(ready.port, "127.0.0.1");
    const answer = (answering: boolean) => {
      socket.destroy();
      resolve(answering);
    };
    socket.once("connect", () => answer(true));
    socket.once("error", () => answer(false));
  });
}

const describe = ({ ready }: TestServer) => ("url" in ready ? ready.url : `127.0.0.1:${ready.port}`);

/** The end of a server's own log, for the message of a start that failed. */
function logTail({ logFile }: TestServer): string {
  if (!logFile || !existsSync(logFile)) return "";
  return `${logFile} ends:\n${readFileSync(logFile, "utf8").split("\n").slice(-20).join("\n")}`;
}

/** Signals the server's whole process group (npx, next and its workers; sh and what it exec'd). */
function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // The group is gone.
  }
}

async function start(server: TestServer, running: Running[]): Promise<void> {
  // As Playwright's `reuseExistingServer: false`: a server left by another run must not stand in for ours.
  if (await isAnswering(server.ready))
    throw new Error(
      `${describe(server)} is already in use: stop what listens there, or move the ports with E2E_PORT_BASE`,
    );
  const child = spawn("/bin/sh", ["-c", server.command], {
    env: { ...process.env, ...server.env },
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => void (output = (output + chunk.toString()).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  running.push({ server, child, output: () => output, exited });
  const started = await waitUntilUp(() => isAnswering(server.ready), {
    timeoutMs: START_TIMEOUT_MS,
    exited: () => child.exitCode !== null || child.signalCode !== null,
  });
  if (started !== "answering")
    throw new Error(
      `the ${server.name} (${describe(server)}) did not start (${started === "exited" ? (child.signalCode ?? `exit ${child.exitCode}`) : `not answering after ${START_TIMEOUT_MS / 1000} s`}):\n${output}${logTail(server)}`,
    );
}

async function stop({ server, child, exited }: Running): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  if (server.gracefulStopMs) {
    signalGroup(child, "SIGTERM");
    const killed = setTimeout(() => signalGroup(child, "SIGKILL"), server.gracefulStopMs);
    await exited;
    clearTimeout(killed);
  }
  signalGroup(child, "SIGKILL");
  await exited;
}

/** Starts the shared servers; resolves to the function that stops them all. */
export async function startTestServers(): Promise<() => Promise<void>> {
  const running: Running[] = [];
  const stopAll = () => Promise.all(running.map(stop)).then(() => undefined);
  // A runner that exits without its teardown (a crash, a second Ctrl-C) leaves no server behind.
  const onExit = () =>
    running.forEach(({ server, child }) => signalGroup(child, server.gracefulStopMs ? "SIGTERM" : "SIGKILL"));
  process.once("exit", onExit);
  try {
    await Promise.all([
      start(embedded, running),
      start(faucet, running),
      start(postgres, running).then(() => Promise.all(remotes.map((remote) => start(remote, running)))),
    ]);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return async () => {
    await stopAll();
    process.removeListener("exit", onExit);
  };
}
