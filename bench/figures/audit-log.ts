import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { signedInContext } from "../lib/browser-session";
import { REPO } from "../lib/build";
import { runToCompletion } from "../lib/processes";
import { signIn } from "../lib/sign-in";
import { startConsole } from "../lib/start-servers";
import { percentile } from "../lib/stats";
import { signedInFirstByte, interleavedMedians, type SignedInConsole } from "./scale";

/** Records, from the page itself, when the first audit row appears (ms after navigation start). */
const FIRST_EVENT_PROBE = () => {
  const probe = window as unknown as { firstEventAt?: number };
  const observer = new MutationObserver(() => {
    if (document.querySelector("tbody tr[data-event-id]")) {
      probe.firstEventAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true });
};

/** Median time until /audit's first rows are in the page, a fresh context per load, the two consoles interleaved. */
export async function auditRowsVisibleMs(
  browser: Browser,
  consoles: [SignedInConsole, SignedInConsole],
  loads: number,
): Promise<[number, number]> {
  const times: [number[], number[]] = [[], []];
  for (let index = 0; index < loads + 1; index++) {
    for (const [which, { url, cookie }] of consoles.entries()) {
      const context = await signedInContext(browser, url, cookie);
      try {
        await context.addInitScript(FIRST_EVENT_PROBE);
        const page = await context.newPage();
        await page.goto(`${url}/audit`);
        await page.locator("tbody tr[data-event-id]").first().waitFor();
        const at = await page.evaluate(() => (window as unknown as { firstEventAt?: number }).firstEventAt);
        if (at === undefined) throw new Error("the first-event probe saw no row");
        if (index >= 1) times[which as 0 | 1].push(at);
      } finally {
        await context.close();
      }
    }
  }
  return [percentile(times[0], 50), percentile(times[1], 50)];
}

/** Resident memory of a process group (`next start` and the next-server it forks), in bytes. */
export function groupRssBytes(groupId: number): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 5 of /proc/<pid>/stat is the process group; the name in parentheses may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== groupId) continue;
      const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${entry}/status`, "utf8"))?.[1];
      total += Number(rss ?? 0) * 1024;
    } catch {
      // The process ended while being read.
    }
  }
  return total;
}

export type CsvExport = {
  rows: number;
  bytes: number;
  ms: number;
  baselineRssBytes: number;
  peakRssBytes: number;
  extraRssBytes: number;
  firstByteMs: number;
};

/**
 * Downloads the full CSV as a client reading it as fast as it comes, counting lines without
 * keeping them, while the server's resident memory is sampled every 20 ms: the peak above
 * the memory just before the download is what the export costs the server.
 */
export async function measureCsvExport(target: SignedInConsole, serverGroupId: number): Promise<CsvExport> {
  // A small export first, so loading the route's code is not counted as the big one's memory.
  await (
    await fetch(`${target.url}/audit/export?outcome=pending`, { headers: { cookie: target.cookie } })
  ).arrayBuffer();
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  const baselineRssBytes = groupRssBytes(serverGroupId);
  let peakRssBytes = baselineRssBytes;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, groupRssBytes(serverGroupId));
  }, 20);
  const start = performance.now();
  let firstByteMs = 0;
  let rows = 0;
  let bytes = 0;
  try {
    const response = await fetch(`${target.url}/audit/export`, { headers: { cookie: target.cookie } });
    if (response.status !== 200 || !response.body) throw new Error(`the CSV export answered HTTP ${response.status}`);
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (bytes === 0) firstByteMs = performance.now() - start;
      bytes += value.byteLength;
      for (const byte of value) if (byte === 0x0a) rows++;
    }
  } finally {
    clearInterval(sampler);
  }
  peakRssBytes = Math.max(peakRssBytes, groupRssBytes(serverGroupId));
  // Lines less the header.
  return {
    rows: rows - 1,
    bytes,
    ms: performance.now() - start,
    baselineRssBytes,
    peakRssBytes,
    extraRssBytes: peakRssBytes - baselineRssBytes,
    firstByteMs,
  };
}

/** Time to first byte of /audit on both consoles, interleaved (the server's share of the first rows). */
export function auditFirstByteMs(
  consoles: [SignedInConsole, SignedInConsole],
  samples: number,
): Promise<[number, number]> {
  return interleavedMedians(
    [signedInFirstByte(consoles[0], "/audit"), signedInFirstByte(consoles[1], "/audit")],
    samples,
  );
}

type AuditConsoleOptions = { browser: Browser; port: number; distDir: string; dataDir: string; events: number };
export type AuditConsole = { target: SignedInConsole; groupId: number };

/**
 * A console on the embedded faucet whose demo operator has `events` audit events: signed in
 * once (which records the first), stopped, seeded through the store by
 * bench/seed-audit-events.ts (PGlite allows one process), and started again with the same
 * data dir, so the session cookie still opens its row.
 */
export async function auditConsoleWithEvents({
  browser,
  port,
  distDir,
  dataDir,
  events,
}: AuditConsoleOptions): Promise<AuditConsole> {
  let server = await startConsole({ port, distDir, dataDir });
  const cookie = await signIn(browser, server.url, "demo");
  const csv = await (await fetch(`${server.url}/audit/export`, { headers: { cookie } })).text();
  const operatorId = Number(csv.split("\r\n")[1]?.split(",")[2]);
  if (!Number.isInteger(operatorId))
    throw new Error(`no operator id in the sign-in's audit event: ${csv.slice(0, 200)}`);
  await server.stop();
  await runToCompletion(
    `seed ${events} audit events`,
    join(REPO, "node_modules", ".bin", "tsx"),
    ["--conditions=react-server", "bench/seed-audit-events.ts", dataDir, String(operatorId), String(events - 1)],
    {
      cwd: REPO,
      env: process.env,
      logFile: join(dataDir, "seed.log"),
    },
  );
  server = await startConsole({ port, distDir, dataDir });
  return { target: { url: server.url, cookie }, groupId: server.pid };
}

export const AUDIT_BIG = 100_000;
export const AUDIT_SMALL = 100;

type AuditFiguresOptions = { browser: Browser; distDir: string; dataRoot: string; ports: [number, number] };

/**
 * Figure 11: /audit's first rows with 100,000 events for one operator against 100 (target
 * ≤ 2×, in chromium, interleaved), and the CSV export of all 100,000 streamed with the
 * server's memory sampled (target < 100 MB above its level before the download).
 */
export async function measureAuditFigures({ browser, distDir, dataRoot, ports }: AuditFiguresOptions) {
  const big = await auditConsoleWithEvents({
    browser,
    port: ports[0],
    distDir,
    dataDir: join(dataRoot, "audit-100k"),
    events: AUDIT_BIG,
  });
  const small = await auditConsoleWithEvents({
    browser,
    port: ports[1],
    distDir,
    dataDir: join(dataRoot, "audit-100"),
    events: AUDIT_SMALL,
  });
  const [rowsBig, rowsSmall] = await auditRowsVisibleMs(browser, [big.target, small.target], 7);
  const [ttfbBig, ttfbSmall] = await auditFirstByteMs([big.target, small.target], 20);
  const csv = await measureCsvExport(big.target, big.groupId);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  const rowsRatio = rowsBig / rowsSmall;
  const rows = [
    {
      figure: `11 /audit first rows in chromium, ${AUDIT_BIG.toLocaleString("en")} ÷ ${AUDIT_SMALL} events`,
      measured: `${rowsRatio.toFixed(2)}× (${rowsBig.toFixed(1)} ms ÷ ${rowsSmall.toFixed(1)} ms)`,
      target: "≤ 2×",
      pass: rowsRatio <= 2,
    },
    {
      figure: "11 (in it: time to first byte of /audit)",
      measured: `${(ttfbBig / ttfbSmall).toFixed(2)}× (${ttfbBig.toFixed(1)} ms ÷ ${ttfbSmall.toFixed(1)} ms)`,
      target: "reported",
      pass: null,
    },
    {
      figure: `11 CSV export of ${AUDIT_BIG.toLocaleString("en")} events: server memory above its level before`,
      measured: `${mb(csv.extraRssBytes)} (peak ${mb(csv.peakRssBytes)}, before ${mb(csv.baselineRssBytes)}; ${csv.rows} rows, ${mb(csv.bytes)} in ${(csv.ms / 1000).toFixed(1)} s, first byte ${csv.firstByteMs.toFixed(0)} ms)`,
      target: "< 100 MB, all rows",
      pass: csv.extraRssBytes < 100 * 1024 * 1024 && csv.rows === AUDIT_BIG,
    },
  ];
  return {
    rows,
    json: { firstRowsMs: { big: rowsBig, small: rowsSmall }, firstByteMs: { big: ttfbBig, small: ttfbSmall }, csv },
  };
}
