import { rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { buildConsole, REPO } from "./lib/build";
import { launchChromium } from "./lib/chromium";
import { newOperator } from "./lib/faucet-api";
import { holdLoad, type LoadResult } from "./lib/http-load";
import { runScript, stopAllOnExit } from "./lib/processes";
import { writeJson } from "./lib/report";
import { signIn } from "./lib/sign-in";
import { startConsole, startFaucet } from "./lib/start-servers";

/**
 * `npm run load`: one console instance on the stand-alone faucet (ports 4420–4421), an
 * operator with 100 agents, and 50 concurrent connections held for 10 s on each of
 * /agents (HTML), /api/agents (both with a valid session) and, for comparison in the same
 * run, the faucet's own list_agents. Any connection error, timeout or non-2xx answer is an
 * error; the script fails unless there are none.
 */
const DIST_DIR = process.env.BENCH_DIST_DIR ?? ".next-bench";
const DATA = join(REPO, ".data-load");
const CONNECTIONS = 50;
const SECONDS = 10;
const AGENTS = 100;
const RESULTS = join(REPO, "bench", "results", "load-latest.json");

async function main(): Promise<boolean> {
  stopAllOnExit();
  rmSync(DATA, { recursive: true, force: true });
  console.log(`· building the console into ${DIST_DIR}`);
  await buildConsole(DIST_DIR, DATA);
  const faucet = await startFaucet({ port: 4420, dataDir: join(DATA, "faucet"), logFile: join(DATA, "faucet.log") });
  const faucetApiUrl = `${faucet.url}/ai-agents/api`;
  const server = await startConsole({ port: 4421, distDir: DIST_DIR, dataDir: join(DATA, "console"), faucetApiUrl });
  const { operatorKey } = await newOperator(faucetApiUrl, "Load operator", AGENTS);
  const browser = await launchChromium();
  let cookie: string;
  try {
    cookie = await signIn(browser, server.url, operatorKey);
  } finally {
    await browser.close();
  }

  const runs: { target: string; result: LoadResult }[] = [];
  const hold = async (target: string, options: Parameters<typeof holdLoad>[0]) => {
    console.log(`· ${CONNECTIONS} connections for ${SECONDS} s on ${target}`);
    runs.push({ target, result: await holdLoad(options) });
  };
  await hold("console GET /agents (HTML)", {
    url: `${server.url}/agents`,
    connections: CONNECTIONS,
    seconds: SECONDS,
    headers: { cookie },
  });
  await hold("console GET /api/agents", {
    url: `${server.url}/api/agents?offset=0&limit=100`,
    connections: CONNECTIONS,
    seconds: SECONDS,
    headers: { cookie },
  });
  await hold("faucet alone POST list_agents", {
    url: faucetApiUrl,
    connections: CONNECTIONS,
    seconds: SECONDS,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action: "list_agents", api_key: operatorKey }),
  });

  console.log(
    `\n${AGENTS} agents, ${CONNECTIONS} connections, ${SECONDS} s each, ${cpus().length} CPUs, load average ${loadavg()[0]?.toFixed(2)}\n`,
  );
  const header = ["target", "requests", "req/s", "p50 ms", "p99 ms", "errors"];
  const rows = runs.map(({ target, result }) => [
    target,
    String(result.requests),
    result.requestsPerSecond.toFixed(0),
    String(result.latencyMs.p50),
    String(result.latencyMs.p99),
    String(result.errors),
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? "").length)),
  );
  const line = (values: string[]) =>
    `| ${values.map((value, column) => value.padEnd(widths[column] ?? 0)).join(" | ")} |`;
  console.log(line(header));
  console.log(`|${widths.map((width) => "-".repeat(width + 2)).join("|")}|`);
  for (const row of rows) console.log(line(row));
  writeJson(RESULTS, {
    measuredAt: new Date().toISOString(),
    agents: AGENTS,
    connections: CONNECTIONS,
    seconds: SECONDS,
    loadAverage: loadavg(),
    runs,
  });
  console.log(`\nWritten to ${RESULTS}`);
  const errors = runs.reduce((total, { result }) => total + result.errors, 0);
  if (errors > 0) console.error(`\n${errors} errors: expected none.`);
  return errors === 0;
}

runScript(main);
