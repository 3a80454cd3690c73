import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { findPostgresBinDir } from "./postgres-binaries";

/**
 * A throwaway PostgreSQL cluster for tests: its own data dir under /tmp, trust auth,
 * listening on 127.0.0.1 only, on a free port. Nothing of the system's PostgreSQL
 * (its clusters, its service) is used or touched.
 */
export type PostgresCluster = {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** Stops the server (fast shutdown: open connections are cut, as in an outage). */
  stop(): void;
  /** Starts it again on the same port and data. */
  start(): void;
  /** Stops it if running and removes its files. */
  destroy(): void;
};

/** A port free right now on loopback, for the cluster to listen on. */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

function postgresUserIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
  return { uid, gid };
}

export async function createPostgresCluster({ port }: { port?: number } = {}): Promise<PostgresCluster> {
  const bin = findPostgresBinDir();
  if (!bin)
    throw new Error(
      "PostgreSQL is not installed: run `npx tsx scripts/ensure-postgres.ts` (or `apt-get install -y postgresql`).",
    );
  const listenPort = port ?? (await freeLoopbackPort());
  const root = mkdtempSync("/tmp/faucet-console-pg-");
  const dataDir = path.join(root, "data");
  const logFile = path.join(root, "server.log");

  // initdb and postgres refuse to run as root: as root, the cluster belongs to the postgres user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { uid, gid } = postgresUserIds();
    chownSync(root, uid, gid);
  }
  const commandLine = (program: string, args: string[]): [string, string[]] => {
    const command = path.join(bin, program);
    return asRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
  };
  const run = (program: string, args: string[]) =>
    void execFileSync(...commandLine(program, args), { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  // The first start's steps without blocking this process: a caller may make something else meanwhile.
  const runAside = (program: string, args: string[]) =>
    promisify(execFile)(...commandLine(program, args), { timeout: 60_000 });

  const initdbArgs = ["-D", dataDir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"];
  // fsync off: a test cluster's data is worth nothing after a crash, and the machine is shared.
  const serverOptions = `-p ${listenPort} -k ${root} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
  let running = false;
  const startArgs = ["-D", dataDir, "-l", logFile, "-o", serverOptions, "-w", "-t", "30", "start"];

  const cluster: PostgresCluster = {
    url: `postgres://postgres@127.0.0.1:${listenPort}/postgres`,
    port: listenPort,
    start() {
      run("pg_ctl", startArgs);
      running = true;
    },
    stop() {
      run("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"]);
      running = false;
    },
    destroy() {
      try {
        if (running) cluster.stop();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
  try {
    await runAside("initdb", initdbArgs);
    await runAside("pg_ctl", startArgs);
    running = true;
  } catch (error) {
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  return cluster;
}
