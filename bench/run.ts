import { readFileSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { AUDIT_BIG, measureAuditFigures } from "./figures/audit-log";
import { measureCookieCapacity } from "./figures/cookie-capacity";
import { lockAll, measureCountdowns, viewportForRows } from "./figures/countdowns";
import { measureFirstLoadJs } from "./figures/first-load-js";
import { AGENTS_PER_ROUND, measureRotationOverhead } from "./figures/rotation-overhead";
import { interleavedMedians, rowsVisibleMs, scrollRows, signedInFirstByte, signedInGet, type SignedInConsole } from "./figures/scale";
import { measureThroughput } from "./figures/throughput";
import { buildConsole, buildEmptyApp, buildFloorApp, REPO } from "./lib/build";
import { launchChromium } from "./lib/chromium";
import { faucetOk, newOperator } from "./lib/faucet-api";
import { runScript, stopAllOnExit } from "./lib/processes";
import { ms, printTable, ratio, writeJson, type Row } from "./lib/report";
import { signIn } from "./lib/sign-in";
import { startConsole, startFaucet, startNextApp } from "./lib/start-servers";

/**
 * `npm run bench`: builds the console, an empty Next.js app and the floor app of figure 1,
 * starts everything on loopback ports 4400–4408, measures the seven figures of issue 5 and the audit log's figure 8 side by side in one run,
 * prints them as a table and writes them to bench/results/latest.json. Every process it
 * starts is stopped at the end, also on failure or Ctrl-C.
 */
const DIST_DIR = process.env.BENCH_DIST_DIR ?? ".next-bench";
const DATA = join(REPO, ".data-bench");
const EMPTY_APP = "/tmp/bench-empty-app";
const FLOOR_APP = "/tmp/bench-floor-app";
const PORTS = { faucet: 4400, remote: 4401, large: 4402, small: 4403, empty: 4404, seededFaucet: 4405, floor: 4406, auditBig: 4407, auditSmall: 4408 };
const ROTATIONS = 60;
const THROUGHPUT_AGENTS = 100;
const RESULTS = join(REPO, "bench", "results", "latest.json");

async function main() {
  stopAllOnExit();
  const loadAtStart = loadavg();
  rmSync(DATA, { recursive: true, force: true });
  step(`building the console into ${DIST_DIR}, an empty app in ${EMPTY_APP} and the floor app in ${FLOOR_APP}`);
  await buildConsole(DIST_DIR, DATA);
  await buildEmptyApp(EMPTY_APP, DATA);
  await buildFloorApp(FLOOR_APP, DATA);

  step("6: cookie capacity");
  const cookie = await measureCookieCapacity();

  step("starting the faucet, three consoles, the empty app and the floor app");
  const faucet = await startFaucet({ port: PORTS.faucet, dataDir: join(DATA, "faucet"), logFile: join(DATA, "faucet.log") });
  const faucetApiUrl = `${faucet.url}/ai-agents/api`;
  const seededFaucet = await startFaucet({ port: PORTS.seededFaucet, dataDir: join(DATA, "faucet-10k"), logFile: join(DATA, "faucet-10k.log"), seedAgents: 10_000 });
  const seededFaucetApiUrl = `${seededFaucet.url}/ai-agents/api`;
  const remote = await startConsole({ port: PORTS.remote, distDir: DIST_DIR, dataDir: join(DATA, "remote"), faucetApiUrl });
  const large = await startConsole({ port: PORTS.large, distDir: DIST_DIR, dataDir: join(DATA, "large"), seedAgents: 10_000 });
  const small = await startConsole({ port: PORTS.small, distDir: DIST_DIR, dataDir: join(DATA, "small"), seedAgents: 10 });
  const empty = await startNextApp({ port: PORTS.empty, dir: EMPTY_APP, logFile: join(DATA, "empty-app.log") });
  // The floor app acts for one operator, named in its environment: the one figure 1 rotates for.
  const rotationOperator = await newOperator(faucetApiUrl, "Bench rotation operator", AGENTS_PER_ROUND * (ROTATIONS + 5));
  const floor = await startNextApp({
    port: PORTS.floor,
    dir: FLOOR_APP,
    logFile: join(DATA, "floor-app.log"),
    env: { FLOOR_FAUCET_API_URL: faucetApiUrl, FLOOR_OPERATOR_KEY: rotationOperator.operatorKey },
  });
  const browser = await launchChromium();
  try {
    step(`1: rotation overhead (${ROTATIONS} rotations each way: console, floor app, direct; 50 ms added latency)`);
    const rotation = await measureRotationOverhead({
      browser,
      consoleUrl: remote.url,
      faucetUrl: faucet.url,
      distDir: DIST_DIR,
      floor: { url: floor.url, distDir: join(FLOOR_APP, ".next") },
      operator: rotationOperator,
      rotations: ROTATIONS,
    });

    step("signing in on the 10,000- and 10-agent consoles");
    const tenThousand: SignedInConsole = { url: large.url, cookie: await signIn(browser, large.url, "demo") };
    const ten: SignedInConsole = { url: small.url, cookie: await signIn(browser, small.url, "demo") };

    step("2: first-load JavaScript");
    const consoleJs = await measureFirstLoadJs(`${ten.url}/agents`, ten.cookie);
    const emptyJs = await measureFirstLoadJs(`${empty.url}/`);

    step("3: 10,000 agents against 10");
    const pair = <T>(make: (which: SignedInConsole) => T): [T, T] => [make(tenThousand), make(ten)];
    const [html10k, html10] = await interleavedMedians(pair((target) => signedInGet(target, "/agents")), 20);
    // A full page load never reuses a list: each of these asks the faucet for the whole list.
    const [ttfb10k, ttfb10] = await interleavedMedians(pair((target) => signedInFirstByte(target, "/agents")), 30);
    const [api10k, api10] = await interleavedMedians(pair((target) => signedInGet(target, "/api/agents?offset=0&limit=100")), 30);
    // Rounds 2.1 s apart: longer than the 2 s for which page requests share a list, so each asks the faucet.
    const [apiCold10k, apiCold10] = await interleavedMedians(pair((target) => signedInGet(target, "/api/agents?offset=0&limit=100")), 30, { gapMs: 2_100, warmUp: 2 });
    // The faucet's own share: list_agents of a stand-alone faucet seeded with 10,000 agents, against a 10-agent operator on it.
    const seededKey = readFileSync(join(DATA, "faucet-10k", "demo-operator.key"), "utf8").trim();
    const tenOnSeeded = await newOperator(seededFaucetApiUrl, "Bench ten-agent operator", 10);
    const listAlone = (operatorKey: string) => async () => {
      await faucetOk(seededFaucetApiUrl, { action: "list_agents", api_key: operatorKey });
    };
    const [list10k, list10] = await interleavedMedians([listAlone(seededKey), listAlone(tenOnSeeded.operatorKey)], 20);
    const [rows10k, rows10] = await rowsVisibleMs(browser, [tenThousand, ten], 7);

    step("4: rows in the DOM while scrolling 10,000 agents");
    const scroll = await scrollRows(browser, tenThousand, "agent-10000");

    step("5: 200 live countdowns");
    const lockedOperator = await newOperator(faucetApiUrl, "Bench countdown operator", 200);
    await lockAll(faucetApiUrl, lockedOperator.operatorKey, lockedOperator.agentIds);
    const lockedConsole = { url: remote.url, cookie: await signIn(browser, remote.url, lockedOperator.operatorKey) };
    // As a user sees them (the virtualised table mounts the rows in view), then all 200 mounted at once.
    const countdownsInView = await measureCountdowns({ browser, console: lockedConsole, locked: 200, height: 800 });
    const countdownsAll = await measureCountdowns({ browser, console: lockedConsole, locked: 200, height: viewportForRows(200) });

    step(`7: requests/s of the data route against the faucet alone (${THROUGHPUT_AGENTS} agents, 50 connections, 6 s each in 2 s slices, alternating)`);
    const hundred = await newOperator(faucetApiUrl, "Bench throughput operator", THROUGHPUT_AGENTS);
    const throughput = await measureThroughput({
      consoleUrl: remote.url,
      cookie: await signIn(browser, remote.url, hundred.operatorKey),
      faucetApiUrl,
      operatorKey: hundred.operatorKey,
      agents: THROUGHPUT_AGENTS,
      connections: 50,
      seconds: 6,
      slices: 3,
    });
    const throughputErrors = throughput.console.errors + throughput.faucet.errors;

    step(`8: /audit with ${AUDIT_BIG.toLocaleString("en")} events against 100 (first rows), and their CSV export (server memory)`);
    const audit = await measureAuditFigures({ browser, distDir: DIST_DIR, dataRoot: DATA, ports: [PORTS.auditBig, PORTS.auditSmall] });

    const jsRatio = consoleJs.gzipBytes / emptyJs.gzipBytes;
    const rows: Row[] = [
      { figure: "1 rotation overhead p50 (console ÷ direct)", measured: `${ratio(rotation.ratio.p50)} (${ms(rotation.actionMs.p50)} ÷ ${ms(rotation.directMs.p50)})`, target: "≤ 1.10", pass: rotation.ratio.p50 <= 1.1 },
      { figure: "1 rotation overhead p95 (console ÷ direct)", measured: `${ratio(rotation.ratio.p95)} (${ms(rotation.actionMs.p95)} ÷ ${ms(rotation.directMs.p95)})`, target: "≤ 1.10", pass: rotation.ratio.p95 <= 1.1 },
      { figure: "1 rotation overhead p50 (console ÷ floor app)", measured: `${ratio(rotation.ratioToFloor.p50)} (${ms(rotation.actionMs.p50)} ÷ ${ms(rotation.floorMs.p50)})`, target: "≤ 1.05", pass: rotation.ratioToFloor.p50 <= 1.05 },
      { figure: "1 rotation overhead p95 (console ÷ floor app)", measured: `${ratio(rotation.ratioToFloor.p95)} (${ms(rotation.actionMs.p95)} ÷ ${ms(rotation.floorMs.p95)})`, target: "≤ 1.05", pass: rotation.ratioToFloor.p95 <= 1.05 },
      { figure: "1 (in it: the floor app ÷ direct, Next.js's own share)", measured: `p50 ${ratio(rotation.floorMs.p50 / rotation.directMs.p50)}, p95 ${ratio(rotation.floorMs.p95 / rotation.directMs.p95)}`, target: "reported", pass: null },
      { figure: "1 (in it: an action refused at once, no faucet call)", measured: `p50 ${ms(rotation.refusedMs.p50)}, p95 ${ms(rotation.refusedMs.p95)}`, target: "reported", pass: null },
      { figure: "1 faucet calls per console rotation", measured: rotation.faucetCallsPerAction.toFixed(2), target: "1", pass: rotation.faucetCallsPerAction === 1 },
      { figure: "2 first-load JS gzip (/agents ÷ empty app)", measured: `${ratio(jsRatio)} (${kb(consoleJs.gzipBytes)} ÷ ${kb(emptyJs.gzipBytes)})`, target: "≤ 1.40", pass: jsRatio <= 1.4 },
      { figure: "3 HTML of /agents, 10,000 ÷ 10 agents", measured: `${ratio(html10k / html10)} (${ms(html10k)} ÷ ${ms(html10)})`, target: "≤ 3×", pass: html10k / html10 <= 3 },
      { figure: "3 time to first byte of /agents, 10,000 ÷ 10", measured: `${ratio(ttfb10k / ttfb10)} (${ms(ttfb10k)} ÷ ${ms(ttfb10)})`, target: "≤ 1.5×", pass: ttfb10k / ttfb10 <= 1.5 },
      { figure: "3 (in it: a stand-alone faucet's list_agents)", measured: `${ratio(list10k / list10)} (${ms(list10k)} ÷ ${ms(list10)})`, target: "reported", pass: null },
      { figure: "3 /api/agents, 10,000 ÷ 10 agents", measured: `${ratio(api10k / api10)} (${ms(api10k)} ÷ ${ms(api10)})`, target: "≤ 3×", pass: api10k / api10 <= 3 },
      { figure: "3 /api/agents, list expired (rounds 2.1 s apart, 30 samples)", measured: `${ratio(apiCold10k / apiCold10)} (${ms(apiCold10k)} ÷ ${ms(apiCold10)})`, target: "≤ 3×", pass: apiCold10k / apiCold10 <= 3 },
      { figure: "3 rows visible in chromium, 10,000 ÷ 10", measured: `${ratio(rows10k / rows10)} (${ms(rows10k)} ÷ ${ms(rows10)})`, target: "≤ 3×", pass: rows10k / rows10 <= 3 },
      { figure: "4 max rows in the DOM scrolling 10,000", measured: `${scroll.maxRows} (${scroll.samples} samples; end rows after ${ms(scroll.endRowsVisibleMs)})`, target: "≤ 200", pass: scroll.reachedEnd && scroll.maxRows <= 200 },
      // The targets hold in a 1280×800 viewport, as a user sees the page; all 200 mounted at once is reported.
      ...[countdownsInView, countdownsAll].flatMap((countdowns) => {
        const where = `200 in cooldown, ${countdowns.timersMounted} mounted (1280×${countdowns.viewportHeight})`;
        const judged = countdowns === countdownsInView;
        return [
          { figure: `5 intervals ticking: ${where}`, measured: `${countdowns.tickingIntervals} (all live: ${JSON.stringify(countdowns.intervalsByPeriod)})`, target: judged ? "1" : "reported", pass: judged ? countdowns.tickingIntervals === 1 : null },
          { figure: `5 main-thread time: ${where}`, measured: `${countdowns.mainThreadMsPerSecond.toFixed(2)} ms/s (script ${countdowns.scriptMsPerSecond.toFixed(2)})`, target: judged ? "≤ 5 ms/s" : "reported", pass: judged ? countdowns.mainThreadMsPerSecond <= 5 : null },
        ];
      }),
      { figure: "6 cookie bytes per stored cooldown (typical ÷ worst ids)", measured: `${cookie.typical.bytesPerCooldown.toFixed(2)} B ÷ ${cookie.worst.bytesPerCooldown.toFixed(2)} B (empty session ${cookie.worst.emptyBytes} B)`, target: "reported", pass: null },
      { figure: `6 cooldowns under 4 KB, typical (ids spread over 1–${cookie.maxAgentId})`, measured: String(cookie.typical.capacity), target: "≥ 200", pass: cookie.typical.capacity >= 200 },
      { figure: `6 cooldowns under 4 KB, worst (the largest ids, to ${cookie.maxAgentId})`, measured: String(cookie.worst.capacity), target: "≥ 200", pass: cookie.worst.capacity >= 200 },
      {
        figure: `7 req/s /api/agents ÷ faucet list_agents (the same ${THROUGHPUT_AGENTS} agents, interleaved)`,
        measured: `${ratio(throughput.ratio)} (${throughput.console.requestsPerSecond.toFixed(0)} ÷ ${throughput.faucet.requestsPerSecond.toFixed(0)} req/s; errors incl. non-2xx ${throughput.console.errors}/${throughput.faucet.errors})`,
        target: "ratio reported; 0 errors",
        pass: throughputErrors === 0,
      },
      ...audit.rows,
    ];
    console.log();
    printTable(rows);
    writeJson(RESULTS, {
      measuredAt: new Date().toISOString(),
      machine: { cpus: cpus().length, node: process.version, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg() },
      table: rows,
      figures: {
        rotationOverhead: rotation,
        firstLoadJs: { console: consoleJs, emptyApp: emptyJs, ratio: jsRatio },
        scale: {
          htmlMs: { tenThousand: html10k, ten: html10 },
          firstByteMs: { tenThousand: ttfb10k, ten: ttfb10 },
          apiMs: { tenThousand: api10k, ten: api10 },
          apiListNotReusedMs: { tenThousand: apiCold10k, ten: apiCold10 },
          rowsVisibleMs: { tenThousand: rows10k, ten: rows10 },
          faucetListAloneMs: { tenThousand: list10k, ten: list10 },
        },
        scroll,
        countdowns: { inView: countdownsInView, allMounted: countdownsAll },
        cookie,
        throughput,
        auditLog: audit.json,
      },
    });
    console.log(`\nWritten to ${RESULTS}`);
    return rows.every((row) => row.pass !== false);
  } finally {
    await browser.close();
  }
}

function step(message: string) {
  console.log(`· ${message}`);
}

function kb(bytes: number) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

runScript(main);
