import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync, closeSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { TEST_KEEP_ALIVE_ARGS } from "./servers";
import { waitForHttp } from "./wait-until-up";

/** A loopback port nothing listens on at the moment it is returned. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export type SpawnedConsole = {
  url: string;
  stop(): Promise<void>;
  /** SIGKILL: the process dies mid-request, as a crashed or OOM-killed instance does. */
  kill(): Promise<void>;
  /** Sends SIGTERM and returns at once; `exited` tells how the process ended. */
  terminate(): void;
  /** The exit code (null when a signal ended it). */
  exited: Promise<number | null>;
};

/**
 * One more `next start` of the build under test, for a test that needs a console the
 * shared config does not start (e.g. one whose faucet is not running). Runs `next`'s own
 * binary with node, so the pid we stop is the server itself and not an npx wrapper.
 */
export async function startConsole(options: { env: Record<string, string>; dataDir: string }): Promise<SpawnedConsole> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // A fresh data dir each start: a store left by an earlier run would carry its rate-limit counts over.
  rmSync(options.dataDir, { recursive: true, force: true });
  mkdirSync(options.dataDir, { recursive: true });
  const log = openSync(path.join(options.dataDir, "server.log"), "w");
  const child: ChildProcess = spawn(
    process.execPath,
    ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port), ...TEST_KEEP_ALIVE_ARGS],
    {
      env: { ...process.env, CONSOLE_DATA_DIR: options.dataDir, ...options.env },
      stdio: ["ignore", log, log],
    },
  );
  closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const terminate = () => void child.kill("SIGTERM");
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };

  const started = await waitForHttp(`${url}/`, { timeoutMs: 60_000, exited: () => child.exitCode !== null });
  if (started === "answering") return { url, stop, kill, terminate, exited };
  if (started === "exited")
    throw new Error(`the extra console exited with ${child.exitCode}; see ${options.dataDir}/server.log`);
  await stop();
  throw new Error(`the extra console did not start within 60 s; see ${options.dataDir}/server.log`);
}

/**
 * Starts `next start` expecting it to refuse (a bad configuration): its exit code and
 * everything it printed. Killed after 30 s if it does not exit by itself.
 */
export async function refusedStart(
  env: Record<string, string>,
  dataDir: string,
): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port), ...TEST_KEEP_ALIVE_ARGS],
      {
        env: { ...process.env, CONSOLE_DATA_DIR: dataDir, FAUCET_DATA_DIR: path.join(dataDir, "faucet"), ...env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
