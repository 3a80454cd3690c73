import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../lib/build";
import { startProcess, type Tracked } from "../lib/processes";

export type StoreMemory = {
  /** Resident MB of an idle console (its whole process group: `next start` and its server). */
  consolePgliteMb: number;
  /** The same console on PostgreSQL (DATABASE_URL): a console with no embedded store. */
  consolePostgresMb: number;
  /** A bare `node` process, idle. */
  bareNodeMb: number;
  /** A bare `node` process that opened PGlite on a copy of the console's store and ran one query. */
  bareNodePgliteMb: number;
  /** What the embedded store adds to the console: consolePgliteMb − consolePostgresMb. */
  storeAddsMb: number;
  /** PGlite's own floor: bareNodePgliteMb − bareNodeMb. */
  pgliteFloorMb: number;
  /** storeAddsMb ÷ pgliteFloorMb: 1 means the console's store costs PGlite's own and nothing more. */
  ratio: number;
};

/** Resident set of every process in the group led by `pid`, in MB. */
export function groupRssMb(pid: number): number {
  const out = execFileSync("ps", ["-o", "rss=", "-g", String(pid)], { encoding: "utf8" });
  return out.split("\n").reduce((sum, line) => sum + (Number(line.trim()) || 0), 0) / 1024;
}

/**
 * The highest resident set each process of the group led by `pid` reached in its life
 * (VmHWM), summed, in MB: a start's peak, which an idle reading taken later no longer shows.
 */
export function groupPeakRssMb(pid: number): number {
  const out = execFileSync("ps", ["-o", "pid=", "-g", String(pid)], { encoding: "utf8" });
  let kb = 0;
  for (const member of out
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)) {
    try {
      const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${member}/status`, "utf8"));
      kb += Number(match?.[1] ?? 0);
    } catch {
      // The process ended between ps and the read (ps itself, a short-lived child).
    }
  }
  return kb / 1024;
}

/** The median of a few readings a second apart, once the process has settled. */
export async function settledRssMb(pid: number, { settleMs = 3_000, readings = 5 } = {}): Promise<number> {
  await sleep(settleMs);
  const values: number[] = [];
  for (let i = 0; i < readings; i++) {
    values.push(groupRssMb(pid));
    await sleep(1_000);
  }
  return values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
}

const IDLE = "setInterval(() => {}, 1 << 30); console.log('ready');";
// Opens PGlite exactly as lib/store/open-store.ts does (PGlite.create(dir)), then idles.
const PGLITE_IDLE = `import { PGlite } from "@electric-sql/pglite";
const db = await PGlite.create(process.env.BENCH_PGLITE_DIR);
await db.query("select count(*) from sessions");
${IDLE}`;

/**
 * Figure 9: the resident memory the embedded store adds to the console, beside PGlite's own
 * floor. The consoles are two idle consoles, one on PGlite and one on PostgreSQL, each started
 * on a store that exists already (a first start on a new PGlite directory also runs initdb,
 * whose memory the process keeps until it restarts: reported apart) and each having answered one request; `pgliteStoreDir` is the PGlite console's store, copied (the
 * original stays locked by its console) for the bare process to open.
 */
export async function measureStoreMemory(options: {
  consolePglite: Tracked;
  consolePostgres: Tracked;
  pgliteStoreDir: string;
  scratchDir: string;
}): Promise<StoreMemory> {
  const consolePgliteMb = await settledRssMb(options.consolePglite.pid);
  const consolePostgresMb = await settledRssMb(options.consolePostgres.pid);
  const copy = join(options.scratchDir, "pglite-copy");
  rmSync(copy, { recursive: true, force: true });
  mkdirSync(options.scratchDir, { recursive: true });
  cpSync(options.pgliteStoreDir, copy, { recursive: true });
  const bareNodeMb = await bareNodeRss("bare node", ["-e", IDLE], {}, options.scratchDir);
  const bareNodePgliteMb = await bareNodeRss(
    "bare node + PGlite",
    ["--input-type=module", "-e", PGLITE_IDLE],
    { BENCH_PGLITE_DIR: copy },
    options.scratchDir,
  );
  rmSync(copy, { recursive: true, force: true });
  const storeAddsMb = consolePgliteMb - consolePostgresMb;
  const pgliteFloorMb = bareNodePgliteMb - bareNodeMb;
  return {
    consolePgliteMb,
    consolePostgresMb,
    bareNodeMb,
    bareNodePgliteMb,
    storeAddsMb,
    pgliteFloorMb,
    ratio: storeAddsMb / pgliteFloorMb,
  };
}

async function bareNodeRss(
  name: string,
  args: string[],
  env: Record<string, string>,
  scratchDir: string,
): Promise<number> {
  const logFile = join(scratchDir, `${name.replaceAll(/[^a-z]+/g, "-")}.log`);
  const tracked = startProcess(name, process.execPath, args, { cwd: REPO, env: { ...process.env, ...env }, logFile });
  try {
    await waitForReady(logFile, 60_000);
    return await settledRssMb(tracked.pid);
  } finally {
    await tracked.stop();
  }
}

async function waitForReady(logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = readFileSync(logFile, "utf8");
    if (text.includes("ready")) return;
    if (Date.now() > deadline) throw new Error(`${logFile}: not ready within ${timeoutMs / 1000} s:\n${text}`);
    await sleep(200);
  }
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
