import { join } from "node:path";
import { measureIncidentRun } from "./figures/incident-run";
import { REPO } from "./lib/build";
import { launchChromium } from "./lib/chromium";
import { stopAll, stopAllOnExit } from "./lib/processes";
import { ms, ratio } from "./lib/report";
import { startConsole, startFaucet } from "./lib/start-servers";

/**
 * Figure 10 alone (`npm run bench:incident`), on the build in NEXT_DIST_DIR (default .next:
 * run `npx next build` first): a faucet and a console on BENCH_PORT_BASE (4400) and +1.
 */
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4400);
const DATA = join(REPO, ".data-bench-incident");

async function main() {
  stopAllOnExit();
  const faucet = await startFaucet({
    port: PORT_BASE,
    dataDir: join(DATA, "faucet"),
    logFile: join(DATA, "faucet.log"),
  });
  const faucetApiUrl = `${faucet.url}/ai-agents/api`;
  const server = await startConsole({
    port: PORT_BASE + 1,
    distDir: process.env.NEXT_DIST_DIR ?? ".next",
    dataDir: join(DATA, "console"),
    faucetApiUrl,
  });
  const browser = await launchChromium();
  try {
    const run = await measureIncidentRun({
      browser,
      consoleUrl: server.url,
      faucetUrl: faucet.url,
      faucetApiUrl,
      agents: 1_000,
      latencyMs: 50,
      concurrency: 4,
    });
    console.log(
      `10 incident run: ${ratio(run.wallMs / run.idealMs)} (${ms(run.wallMs)} ÷ ${ms(run.idealMs)}, direct ${ms(run.directMs)}); long tasks > 50 ms: ${run.longTasks} (longest ${ms(run.longestTaskMs)}); most rows in the DOM: ${run.maxRowsInDom}`,
    );
  } finally {
    await browser.close();
    await stopAll();
  }
}

void main();
