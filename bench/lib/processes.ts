import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";

/**
 * Every process the bench starts, so all of them stop when it ends, fails or is
 * interrupted. Each child leads its own process group: `next start` forks a
 * next-server, and stopping the group stops both.
 */
const running = new Set<ChildProcess>();

export type Tracked = { name: string; pid: number; stop: () => Promise<void> };

function stopGroup(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      running.delete(child);
      return resolve();
    }
    const pid = child.pid;
    const force = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }, 5_000);
    child.once("exit", () => {
      clearTimeout(force);
      running.delete(child);
      resolve();
    });
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      clearTimeout(force);
      running.delete(child);
      resolve();
    }
  });
}

/** Starts a long-running process; its output goes to `logFile`. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; logFile: string; cwd?: string },
): Tracked {
  mkdirSync(dirname(options.logFile), { recursive: true });
  const log = openSync(options.logFile, "w");
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", log, log],
    detached: true,
  });
  if (child.pid === undefined) throw new Error(`could not start ${name}`);
  running.add(child);
  return { name, pid: child.pid, stop: () => stopGroup(child) };
}

/** Runs a command to completion (a build); rejects with its log file's name on failure. */
export function runToCompletion(
  name: string,
  command: string,
  args: string[],
  options: { env: NodeJS.ProcessEnv; logFile: string; cwd?: string },
): Promise<void> {
  const tracked = startProcess(name, command, args, options);
  const child = [...running].find((candidate) => candidate.pid === tracked.pid);
  return new Promise((resolve, reject) => {
    child?.once("exit", (code) => {
      if (child) running.delete(child);
      if (code === 0) resolve();
      else reject(new Error(`${name} failed (exit ${code}); see ${options.logFile}`));
    });
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map(stopGroup));
}

let installed = false;

/** Stops every child on Ctrl-C, SIGTERM or an uncaught error, then exits. */
export function stopAllOnExit(): void {
  if (installed) return;
  installed = true;
  const bail = (code: number) => {
    void stopAll().finally(() => process.exit(code));
  };
  process.once("SIGINT", () => bail(130));
  process.once("SIGTERM", () => bail(143));
  process.once("uncaughtException", (error) => {
    console.error(error);
    bail(1);
  });
  process.once("unhandledRejection", (error) => {
    console.error(error);
    bail(1);
  });
  // Last resort if the event loop ends with children still up (synchronous kill only).
  process.once("exit", () => {
    for (const child of running) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  });
}

/** Runs a script's main, stops every child it started, and exits 0 when it passed, 1 when not, 2 on a crash. */
export function runScript(main: () => Promise<boolean>): void {
  main()
    .then(async (passed) => {
      await stopAll();
      process.exit(passed ? 0 : 1);
    })
    .catch(async (error: unknown) => {
      console.error(error);
      await stopAll();
      process.exit(2);
    });
}
