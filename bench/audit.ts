import { rmSync } from "node:fs";
import { join } from "node:path";
import { measureAuditFigures } from "./figures/audit-log";
import { buildConsole, REPO } from "./lib/build";
import { launchChromium } from "./lib/chromium";
import { runScript, stopAllOnExit } from "./lib/processes";
import { printTable, writeJson } from "./lib/report";

/**
 * Figure 11 of `npm run bench` alone (the audit log at 100,000 events), for work on the audit
 * log: `npx tsx bench/audit.ts` (BENCH_REUSE_BUILD=1 reuses .next-bench). Ports 4407–4408.
 */
const DIST_DIR = process.env.BENCH_DIST_DIR ?? ".next-bench";
const DATA = join(REPO, ".data-bench-audit");

async function main() {
  stopAllOnExit();
  rmSync(DATA, { recursive: true, force: true });
  console.log(`· building the console into ${DIST_DIR}`);
  await buildConsole(DIST_DIR, DATA);
  const browser = await launchChromium();
  try {
    console.log("· 8: /audit with 100,000 events against 100, and the CSV export of 100,000");
    const audit = await measureAuditFigures({ browser, distDir: DIST_DIR, dataRoot: DATA, ports: [4407, 4408] });
    printTable(audit.rows);
    writeJson(join(REPO, "bench", "results", "audit-latest.json"), {
      measuredAt: new Date().toISOString(),
      table: audit.rows,
      figures: audit.json,
    });
    return audit.rows.every((row) => row.pass !== false);
  } finally {
    await browser.close();
  }
}

runScript(main);
