import { mkdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { createPostgresCluster } from "../e2e/support/postgres-cluster";
import { AUDIT_BIG, measureAuditFigures } from "./figures/audit-log";
import { measureCookieCapacity } from "./figures/cookie-capacity";
import { lockAll, measureCountdowns, viewportForRows } from "./figures/countdowns";
import { measureFirstLoadJs, type FirstLoadJs } from "./figures/first-load-js";
import { measureHandoff, type HandoffFigure } from "./figures/handoff-rotation";
import { measureHostOutage, type HostOutageFigure } from "./figures/host-outage";
import { measureIncidentRun } from "./figures/incident-run";
import { measurePolicyRun } from "./figures/policy-run";
import { AGENTS_PER_ROUND, measureRotationOverhead } from "./figures/rotation-overhead";
import { measureLookupInProcess, measureLookupOverHttp } from "./figures/session-lookup";
import { groupPeakRssMb, measureStoreMemory, settledRssMb } from "./figures/store-memory";
import { rotationFiles } from "./figures/rotation-files";
import { measureStoreStatements } from "./figures/store-statements";
import { holdLoad } from "./lib/http-load";
import { actionId, callAction } from "./lib/action-call";
import {
  interleavedMedians,
  rowsVisibleMs,
  scrollRows,
  signedInFirstByte,
  signedInGet,
  type SignedInConsole,
} from "./figures/scale";
import { measureThroughput } from "./figures/throughput";
import { buildConsole, buildEmptyApp, buildFloorApp, REPO } from "./lib/build";
import type { Browser } from "playwright-core";
import { launchChromium } from "./lib/chromium";
import { faucetOk, newOperator } from "./lib/faucet-api";
import { randomUUID } from "node:crypto";
import { runScript, stopAll, stopAllOnExit } from "./lib/processes";
import { createBenchDatabase } from "./lib/postgres-database";
import { ms, printTable, ratio, writeJson, type Row } from "./lib/report";
import { signIn } from "./lib/sign-in";
import { BENCH_SECRETS, startConsole, startFaucet, startNextApp } from "./lib/start-servers";

/**
 * `npm run bench`: builds the console, an empty Next.js app and the floor app of figure 1,
 * starts everything on loopback ports BENCH_PORT_BASE (4400) to +11 and a throwaway PostgreSQL cluster, measures the figures of
 * issue 5, the store's (8: session lookup, 1 per engine, 9: memory), incident mode's (10), the audit log's (11) and
 * issue 23's (the policy run, the host delivery outage) side by side in one run,
 * prints them as a table and writes them to bench/results/latest.json. Every process it
 * starts is stopped at the end, also on failure or Ctrl-C.
 */
const DIST_DIR = process.env.BENCH_DIST_DIR ?? ".next-bench";
const DATA = join(REPO, ".data-bench");

/** Twelve ports from BENCH_PORT_BASE: two benches on one machine need bases twelve apart. */
const PORT_BASE = Number(process.env.BENCH_PORT_BASE ?? 4400);
const PORTS = {
  faucet: PORT_BASE,
  remote: PORT_BASE + 1,
  large: PORT_BASE + 2,
  small: PORT_BASE + 3,
  empty: PORT_BASE + 4,
  seededFaucet: PORT_BASE + 5,
  floor: PORT_BASE + 6,
  remotePostgres: PORT_BASE + 7,
  idlePglite: PORT_BASE + 8,
  idlePostgres: PORT_BASE + 9,
  auditBig: PORT_BASE + 10,
  auditSmall: PORT_BASE + 11,
};
// Per port base, so two benches on one machine never build into each other's apps.
const EMPTY_APP = `/tmp/bench-empty-app-${PORT_BASE}`;
const FLOOR_APP = `/tmp/bench-floor-app-${PORT_BASE}`;
const LOOKUP_SAMPLES = 2_000;
const LOOKUP_HTTP_SAMPLES = 300;
const ROTATIONS = 60;
const THROUGHPUT_AGENTS = 100;
const INCIDENT_AGENTS = 1_000;
const RESULTS = join(REPO, "bench", "results", "latest.json");
/** Issue 17's "before": `npm run load` (50 connections, 100 agents) on this machine kind before the redesign. */
const LOAD_BEFORE_REQUESTS_PER_SECOND = { agentsPage: 50, agentsApi: 152 };

/** Issue 23's outage figure: rotations of one hosted agent, each timed to its host's credentials.json. */
const HOST_OUTAGE_ROTATIONS = 20;
/** The hand-off figures: rotations each way (with and without a hand-off) per engine, and as many redeems. */
// 60: on a loaded 2-core machine a p50 of 30 pairs moved by ±0.2 from run to run.
const HANDOFF_ROTATIONS = 60;

/**
 * `npm run bench -- --only first-load`: figure 2 alone (two builds, two servers, one sign-in).
 * `npm run bench -- --only host-outage`: issue 23's outage figure alone (one build, the faucet, one console).
 * `npm run bench -- --only handoff`: the hand-off figures alone (one build, the faucet, a console per engine).
 */
const ONLY = process.argv.includes("--only") ? process.argv[process.argv.indexOf("--only") + 1] : undefined;
const ONLY_FIGURES = ["first-load", "host-outage", "handoff"];

async function main() {
  stopAllOnExit();
  if (ONLY !== undefined && !ONLY_FIGURES.includes(ONLY))
    throw new Error(`--only knows ${ONLY_FIGURES.map((name) => `"${name}"`).join(" and ")}; not "${ONLY}"`);
  rmSync(DATA, { recursive: true, force: true });
  if (ONLY === "first-load") return firstLoadOnly();
  if (ONLY === "host-outage") return hostOutageOnly();
  if (ONLY === "handoff") return handoffOnly();
  const loadAtStart = loadavg();
  step(`building the console into ${DIST_DIR}, an empty app in ${EMPTY_APP} and the floor app in ${FLOOR_APP}`);
  await buildConsole(DIST_DIR, DATA);
  await buildEmptyApp(EMPTY_APP, DATA);
  await buildFloorApp(FLOOR_APP, DATA);

  step("6: cookie capacity");
  const cookie = await measureCookieCapacity();

  step("starting a throwaway PostgreSQL cluster and the faucet");
  const cluster = await createPostgresCluster();
  process.once("exit", () => cluster.destroy());
  const { faucet, faucetApiUrl } = await startBenchFaucet();

  step("9: resident memory of idle consoles on PGlite and on PostgreSQL, a bare node, a bare node with PGlite");
  // Each console starts twice: the first start creates and migrates its store (PGlite's initdb
  // runs then, once in a data dir's life), the second is a console as it restarts every day.
  // Each idle console signs in and rotates one agent key before it is measured (issue 17: "an idle
  // console that has signed in and rotated once"); the peaks are each start's highest resident set.
  const memoryBrowser = await launchChromium();
  const memoryOperator = await newOperator(faucetApiUrl, "Bench memory operator", 2);
  const signInAndRotateOnce = async (url: string, agentId: number) => {
    const cookie = await signIn(memoryBrowser, url, memoryOperator.operatorKey);
    const rotate = actionId(DIST_DIR, "lib/actions/rotate-agent-key.ts", "rotateAgentKey");
    const reply = await callAction(
      `${url}/agents`,
      rotate,
      [{ agentId, attemptId: randomUUID(), knownRotationAt: null, ownAttemptId: null }],
      cookie,
    );
    if ((reply.result as { ok?: unknown } | undefined)?.ok !== true)
      throw new Error(`the idle console's rotation failed: ${JSON.stringify(reply.result)}`);
  };
  const idleConsole = async (port: number, dataDir: string, agentId: number, databaseUrl?: string) => {
    const first = await startConsole({ port, distDir: DIST_DIR, dataDir, faucetApiUrl, databaseUrl });
    const firstStartMb = await settledRssMb(first.pid);
    const firstStartPeakMb = groupPeakRssMb(first.pid);
    await first.stop();
    const server = await startConsole({ port, distDir: DIST_DIR, dataDir, faucetApiUrl, databaseUrl });
    await settledRssMb(server.pid, { readings: 1 });
    const secondStartPeakMb = groupPeakRssMb(server.pid);
    await signInAndRotateOnce(server.url, agentId);
    return { server, firstStartMb, firstStartPeakMb, secondStartPeakMb };
  };
  const idlePgliteStarts = await idleConsole(
    PORTS.idlePglite,
    join(DATA, "idle-pglite"),
    memoryOperator.agentIds[0] ?? 0,
  );
  const idlePostgresStarts = await idleConsole(
    PORTS.idlePostgres,
    join(DATA, "idle-postgres"),
    memoryOperator.agentIds[1] ?? 0,
    await createBenchDatabase(cluster.url),
  );
  await memoryBrowser.close();
  const { server: idlePglite, firstStartMb: firstStartPgliteMb } = idlePgliteStarts;
  const { server: idlePostgres, firstStartMb: firstStartPostgresMb } = idlePostgresStarts;
  const memory = await measureStoreMemory({
    consolePglite: idlePglite,
    consolePostgres: idlePostgres,
    pgliteStoreDir: join(DATA, "idle-pglite", "store"),
    scratchDir: join(DATA, "memory"),
  });
  await idlePglite.stop();
  await idlePostgres.stop();

  step(`8: the session lookup in process, ${LOOKUP_SAMPLES} samples per engine`);
  mkdirSync(join(DATA, "lookup-pglite"), { recursive: true });
  const lookupPglite = await measureLookupInProcess({ CONSOLE_DATA_DIR: join(DATA, "lookup-pglite") }, LOOKUP_SAMPLES);
  const lookupPostgres = await measureLookupInProcess(
    { DATABASE_URL: await createBenchDatabase(cluster.url) },
    LOOKUP_SAMPLES,
  );

  step("starting four consoles (one on PostgreSQL), the empty app and the floor app");
  const seededFaucet = await startFaucet({
    port: PORTS.seededFaucet,
    dataDir: join(DATA, "faucet-10k"),
    logFile: join(DATA, "faucet-10k.log"),
    seedAgents: 10_000,
  });
  const seededFaucetApiUrl = `${seededFaucet.url}/ai-agents/api`;
  const { remote, remotePostgres } = await startRemoteConsoles(faucetApiUrl, cluster.url);
  const large = await startConsole({
    port: PORTS.large,
    distDir: DIST_DIR,
    dataDir: join(DATA, "large"),
    seedAgents: 10_000,
  });
  const small = await startConsole({
    port: PORTS.small,
    distDir: DIST_DIR,
    dataDir: join(DATA, "small"),
    seedAgents: 10,
  });
  const empty = await startNextApp({ port: PORTS.empty, dir: EMPTY_APP, logFile: join(DATA, "empty-app.log") });
  // The floor app acts for one operator, named in its environment: the one figure 1 rotates for.
  // Agents for two runs of figure 1 (PGlite, then PostgreSQL): each rotation needs its own agent.
  const rotationAgents = AGENTS_PER_ROUND * (ROTATIONS + 5);
  const rotationOperator = await newOperator(faucetApiUrl, "Bench rotation operator", 2 * rotationAgents);
  const floor = await startNextApp({
    port: PORTS.floor,
    dir: FLOOR_APP,
    logFile: join(DATA, "floor-app.log"),
    env: { FLOOR_FAUCET_API_URL: faucetApiUrl, FLOOR_OPERATOR_KEY: rotationOperator.operatorKey },
  });
  const browser = await launchChromium();
  try {
    step(
      `1: rotation overhead (${ROTATIONS} rotations each way: console, floor app, direct; 50 ms added latency), on PGlite then PostgreSQL`,
    );
    const rotationOn = (consoleUrl: string, agentIds: number[]) =>
      measureRotationOverhead({
        browser,
        consoleUrl,
        faucetUrl: faucet.url,
        distDir: DIST_DIR,
        floor: { url: floor.url, distDir: join(FLOOR_APP, ".next") },
        operator: { operatorKey: rotationOperator.operatorKey, agentIds },
        rotations: ROTATIONS,
      });
    const rotation = await rotationOn(remote.url, rotationOperator.agentIds.slice(0, rotationAgents));
    const rotationPostgres = await rotationOn(remotePostgres.url, rotationOperator.agentIds.slice(rotationAgents));

    step(`8: the session read over HTTP (no cookie ÷ a session with no row, ${LOOKUP_HTTP_SAMPLES} rounds per engine)`);
    const lookupHttpPglite = await measureLookupOverHttp(remote.url, BENCH_SECRETS.SESSION_SECRET, LOOKUP_HTTP_SAMPLES);
    const lookupHttpPostgres = await measureLookupOverHttp(
      remotePostgres.url,
      BENCH_SECRETS.SESSION_SECRET,
      LOOKUP_HTTP_SAMPLES,
    );

    step("signing in on the 10,000- and 10-agent consoles");
    const tenThousand: SignedInConsole = { url: large.url, cookie: await signIn(browser, large.url, "demo") };
    const ten: SignedInConsole = { url: small.url, cookie: await signIn(browser, small.url, "demo") };

    step("2: first-load JavaScript");
    const consoleJs = await measureFirstLoadJs(`${ten.url}/agents`, ten.cookie);
    const emptyJs = await measureFirstLoadJs(`${empty.url}/`);
    // A bare Next.js server that has answered its page: issue 17's memory floor is it plus a bare PGlite process.
    const emptyAppMb = await settledRssMb(empty.pid);

    step("3: 10,000 agents against 10");
    const pair = <T>(make: (which: SignedInConsole) => T): [T, T] => [make(tenThousand), make(ten)];
    const [html10k, html10] = await interleavedMedians(
      pair((target) => signedInGet(target, "/agents")),
      20,
    );
    // A full page load never reuses a list: each of these asks the faucet for the whole list.
    const [ttfb10k, ttfb10] = await interleavedMedians(
      pair((target) => signedInFirstByte(target, "/agents")),
      30,
    );
    const [api10k, api10] = await interleavedMedians(
      pair((target) => signedInGet(target, "/api/agents?offset=0&limit=100")),
      30,
    );
    // Rounds 2.1 s apart: longer than the 2 s for which page requests share a list, so each asks the faucet.
    const [apiCold10k, apiCold10] = await interleavedMedians(
      pair((target) => signedInGet(target, "/api/agents?offset=0&limit=100")),
      30,
      { gapMs: 2_100, warmUp: 2 },
    );
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
    const countdownsAll = await measureCountdowns({
      browser,
      console: lockedConsole,
      locked: 200,
      height: viewportForRows(200),
    });

    step(
      `7: requests/s of the data route against the faucet alone (${THROUGHPUT_AGENTS} agents, 50 connections, 6 s each in 2 s slices, alternating)`,
    );
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
    // Issue 17's `npm run load` figure for the page too: /agents, signed in, 50 connections.
    const agentsPageLoad = await holdLoad({
      url: `${remote.url}/agents`,
      connections: 50,
      seconds: 6,
      headers: { cookie: await signIn(browser, remote.url, hundred.operatorKey) },
    });

    step(
      `10: incident mode, a bulk rotation of ${INCIDENT_AGENTS} agents at 50 ms faucet latency, concurrency 4, against direct calls`,
    );
    const incident = await measureIncidentRun({
      browser,
      consoleUrl: remote.url,
      faucetUrl: faucet.url,
      faucetApiUrl,
      agents: INCIDENT_AGENTS,
      latencyMs: 50,
      concurrency: 4,
    });
    const incidentRatio = incident.wallMs / incident.idealMs;
    step(`17: the same bulk rotation while a second operator's bulk run of ${INCIDENT_AGENTS} keeps the machine busy`);
    const incidentBusy = await measureIncidentRun({
      browser,
      consoleUrl: remote.url,
      faucetUrl: faucet.url,
      faucetApiUrl,
      agents: INCIDENT_AGENTS,
      latencyMs: 50,
      concurrency: 4,
      busy: true,
    });
    step(
      `23: a rotation policy run over ${INCIDENT_AGENTS} agents with connected hosts (pg-boss on PostgreSQL, 50 ms)`,
    );
    const policyRun = await measurePolicyRun(DATA, INCIDENT_AGENTS);
    step(`23: host delivery outage, ${HOST_OUTAGE_ROTATIONS} rotations to a host running receive.mjs watch (PGlite)`);
    const hostOutage = await hostOutageOn(browser, remote.url, faucetApiUrl);
    step(
      `20: rotation with a hand-off against without (${HANDOFF_ROTATIONS} each), redeem latency, PGlite then PostgreSQL`,
    );
    const handoffPglite = await handoffOn(browser, remote.url, faucetApiUrl);
    const handoffPostgres = await handoffOn(browser, remotePostgres.url, faucetApiUrl);
    step("17: store statements per rotation (lib/changes/run-change.store.test.ts, both engines)");
    const statements = await measureStoreStatements(DATA);
    const traced = rotationFiles();
    step(
      `11: /audit with ${AUDIT_BIG.toLocaleString("en")} events against 100 (first rows), and their CSV export (server memory)`,
    );
    const audit = await measureAuditFigures({
      browser,
      distDir: DIST_DIR,
      dataRoot: DATA,
      ports: [PORTS.auditBig, PORTS.auditSmall],
    });

    const jsRatio = consoleJs.gzipBytes / emptyJs.gzipBytes;
    const memoryFloorMb = emptyAppMb + memory.bareNodePgliteMb;
    const issue17Rows = (): Row[] => [
      ...(
        [
          ["PGlite", rotation],
          ["PostgreSQL", rotationPostgres],
        ] as const
      ).flatMap(([engine, figure]) =>
        (["p50", "p95"] as const).map((at) => ({
          figure: `17 rotation ${at}, console ÷ floor app, ${engine}`,
          measured: `${ratio(figure.ratioToFloor[at])} (${ms(figure.actionMs[at])} ÷ ${ms(figure.floorMs[at])})`,
          target: "≤ 1.10",
          pass: figure.ratioToFloor[at] <= 1.1,
        })),
      ),
      {
        figure: `17 bulk rotation of ${INCIDENT_AGENTS} at concurrency 4 ÷ ideal`,
        measured: `${ratio(incidentRatio)} (${ms(incident.wallMs)} ÷ ${ms(incident.idealMs)})`,
        target: "≤ 1.25",
        pass: incidentRatio <= 1.25,
      },
      {
        figure: "17 the same, while a second bulk run keeps the machine busy",
        measured: `${ratio(incidentBusy.wallMs / incidentBusy.idealMs)} (${ms(incidentBusy.wallMs)} ÷ ${ms(incidentBusy.idealMs)})`,
        target: "reported",
        pass: null,
      },
      {
        figure: `23 policy run over ${INCIDENT_AGENTS} hosted agents ÷ bulk run (figure 10)`,
        measured: `${ratio(policyRun.policyMs / incident.wallMs)} (${ms(policyRun.policyMs)} ÷ ${ms(incident.wallMs)}; ${policyRun.policyOk} rotated, ${policyRun.policyCalls} faucet calls)`,
        target: "≤ 1.3",
        pass: policyRun.policyMs <= 1.3 * incident.wallMs && policyRun.policyCalls === INCIDENT_AGENTS,
      },
      {
        figure: "23 (in it: the policy run ÷ the same rotations as a bulk run on the server, no browser)",
        measured: `${ratio(policyRun.policyMs / policyRun.bulkMs)} (${ms(policyRun.policyMs)} ÷ ${ms(policyRun.bulkMs)})`,
        target: "reported",
        pass: null,
      },
      ...statements.map((count) => ({
        figure: `17 store statements per agent rotation, ${count.engine === "pglite" ? "PGlite" : "PostgreSQL"}`,
        measured: `${count.statements} statements, ${count.transactions} transactions + the rate limit = ${count.transactions + 1} round trips`,
        target: "report (2 round trips)",
        pass: null,
      })),
      ...(
        [
          ["/agents", agentsPageLoad, LOAD_BEFORE_REQUESTS_PER_SECOND.agentsPage],
          ["/api/agents", throughput.console, LOAD_BEFORE_REQUESTS_PER_SECOND.agentsApi],
        ] as const
      ).map(([route, load, before]) => ({
        figure: `17 req/s of ${route} (50 connections, ${THROUGHPUT_AGENTS} agents) ÷ before (${before} req/s)`,
        measured: `${ratio(load.requestsPerSecond / before)} (${load.requestsPerSecond.toFixed(0)} req/s, p50 ${ms(load.latencyMs.p50)}, errors ${load.errors})`,
        target: "≥ 2×, 0 errors",
        pass: load.requestsPerSecond >= 2 * before && load.errors === 0,
      })),
      {
        figure:
          "17 resident memory, idle console on PGlite after a sign-in and a rotation ÷ (bare Next.js server + bare PGlite process)",
        measured: `${ratio(memory.consolePgliteMb / memoryFloorMb)} (${memory.consolePgliteMb.toFixed(0)} MB ÷ (${emptyAppMb.toFixed(0)} + ${memory.bareNodePgliteMb.toFixed(0)}) MB)`,
        target: "≤ 1.10",
        pass: memory.consolePgliteMb / memoryFloorMb <= 1.1,
      },
      {
        figure: "17 peak resident memory, first start on a new PGlite data dir ÷ second start",
        measured: `${ratio(idlePgliteStarts.firstStartPeakMb / idlePgliteStarts.secondStartPeakMb)} (${idlePgliteStarts.firstStartPeakMb.toFixed(0)} MB ÷ ${idlePgliteStarts.secondStartPeakMb.toFixed(0)} MB)`,
        target: "≤ 1.20",
        pass: idlePgliteStarts.firstStartPeakMb / idlePgliteStarts.secondStartPeakMb <= 1.2,
      },
      { ...firstLoadRow(consoleJs, emptyJs), figure: "17 first-load JS gzip (/agents ÷ empty app)" },
      {
        figure: "17 files one rotation passes through (README's hand-traced list)",
        measured: `${traced.files.length}${traced.missing.length > 0 ? ` (not found: ${traced.missing.join(", ")})` : ""}`,
        target: "≤ 15",
        pass: traced.files.length <= 15 && traced.missing.length === 0,
      },
    ];
    const rows: Row[] = [
      ...(
        [
          ["PGlite", rotation],
          ["PostgreSQL", rotationPostgres],
        ] as const
      ).flatMap(([engine, figure]) => [
        {
          figure: `1 rotation overhead p50 (console ÷ direct), ${engine}`,
          measured: `${ratio(figure.ratio.p50)} (${ms(figure.actionMs.p50)} ÷ ${ms(figure.directMs.p50)})`,
          target: "≤ 1.10",
          pass: figure.ratio.p50 <= 1.1,
        },
        {
          figure: `1 rotation overhead p95 (console ÷ direct), ${engine}`,
          measured: `${ratio(figure.ratio.p95)} (${ms(figure.actionMs.p95)} ÷ ${ms(figure.directMs.p95)})`,
          target: "≤ 1.10",
          pass: figure.ratio.p95 <= 1.1,
        },
        {
          figure: `1 rotation overhead p50 (console ÷ floor app), ${engine}`,
          measured: `${ratio(figure.ratioToFloor.p50)} (${ms(figure.actionMs.p50)} ÷ ${ms(figure.floorMs.p50)})`,
          target: "≤ 1.05",
          pass: figure.ratioToFloor.p50 <= 1.05,
        },
        {
          figure: `1 rotation overhead p95 (console ÷ floor app), ${engine}`,
          measured: `${ratio(figure.ratioToFloor.p95)} (${ms(figure.actionMs.p95)} ÷ ${ms(figure.floorMs.p95)})`,
          target: "≤ 1.05",
          pass: figure.ratioToFloor.p95 <= 1.05,
        },
      ]),
      {
        figure: "1 (in it: the floor app ÷ direct, Next.js's own share)",
        measured: `p50 ${ratio(rotation.floorMs.p50 / rotation.directMs.p50)}, p95 ${ratio(rotation.floorMs.p95 / rotation.directMs.p95)}`,
        target: "reported",
        pass: null,
      },
      {
        figure: "1 (in it: an action refused at once, no faucet call)",
        measured: `p50 ${ms(rotation.refusedMs.p50)}, p95 ${ms(rotation.refusedMs.p95)}`,
        target: "reported",
        pass: null,
      },
      {
        figure: "1 faucet calls per console rotation (PGlite ÷ PostgreSQL)",
        measured: `${rotation.faucetCallsPerAction.toFixed(2)} ÷ ${rotationPostgres.faucetCallsPerAction.toFixed(2)}`,
        target: "1",
        pass: rotation.faucetCallsPerAction === 1 && rotationPostgres.faucetCallsPerAction === 1,
      },
      firstLoadRow(consoleJs, emptyJs),
      {
        figure: "3 HTML of /agents, 10,000 ÷ 10 agents",
        measured: `${ratio(html10k / html10)} (${ms(html10k)} ÷ ${ms(html10)})`,
        target: "≤ 3×",
        pass: html10k / html10 <= 3,
      },
      {
        figure: "3 time to first byte of /agents, 10,000 ÷ 10",
        measured: `${ratio(ttfb10k / ttfb10)} (${ms(ttfb10k)} ÷ ${ms(ttfb10)})`,
        target: "≤ 1.5×",
        pass: ttfb10k / ttfb10 <= 1.5,
      },
      {
        figure: "3 (in it: a stand-alone faucet's list_agents)",
        measured: `${ratio(list10k / list10)} (${ms(list10k)} ÷ ${ms(list10)})`,
        target: "reported",
        pass: null,
      },
      {
        figure: "3 /api/agents, 10,000 ÷ 10 agents",
        measured: `${ratio(api10k / api10)} (${ms(api10k)} ÷ ${ms(api10)})`,
        target: "≤ 3×",
        pass: api10k / api10 <= 3,
      },
      {
        figure: "3 /api/agents, list expired (rounds 2.1 s apart, 30 samples)",
        measured: `${ratio(apiCold10k / apiCold10)} (${ms(apiCold10k)} ÷ ${ms(apiCold10)})`,
        target: "≤ 3×",
        pass: apiCold10k / apiCold10 <= 3,
      },
      {
        figure: "3 rows visible in chromium, 10,000 ÷ 10",
        measured: `${ratio(rows10k / rows10)} (${ms(rows10k)} ÷ ${ms(rows10)})`,
        target: "≤ 3×",
        pass: rows10k / rows10 <= 3,
      },
      {
        figure: "4 max rows in the DOM scrolling 10,000",
        measured: `${scroll.maxRows} (${scroll.samples} samples; end rows after ${ms(scroll.endRowsVisibleMs)})`,
        target: "≤ 200",
        pass: scroll.reachedEnd && scroll.maxRows <= 200,
      },
      // The targets hold in a 1280×800 viewport, as a user sees the page; all 200 mounted at once is reported.
      ...[countdownsInView, countdownsAll].flatMap((countdowns) => {
        const where = `200 in cooldown, ${countdowns.timersMounted} mounted (1280×${countdowns.viewportHeight})`;
        const judged = countdowns === countdownsInView;
        return [
          {
            figure: `5 intervals ticking: ${where}`,
            measured: `${countdowns.tickingIntervals} (all live: ${JSON.stringify(countdowns.intervalsByPeriod)})`,
            target: judged ? "1" : "reported",
            pass: judged ? countdowns.tickingIntervals === 1 : null,
          },
          {
            figure: `5 main-thread time: ${where}`,
            measured: `${countdowns.mainThreadMsPerSecond.toFixed(2)} ms/s (script ${countdowns.scriptMsPerSecond.toFixed(2)})`,
            target: judged ? "≤ 5 ms/s" : "reported",
            pass: judged ? countdowns.mainThreadMsPerSecond <= 5 : null,
          },
        ];
      }),
      {
        figure: "6 cookie bytes per stored cooldown (typical ÷ worst ids)",
        measured: `${cookie.typical.bytesPerCooldown.toFixed(2)} B ÷ ${cookie.worst.bytesPerCooldown.toFixed(2)} B (largest ids ${cookie.largest.bytesPerCooldown.toFixed(2)} B, ${cookie.largest.capacity} fit; empty session ${cookie.worst.emptyBytes} B)`,
        target: "reported",
        pass: null,
      },
      {
        figure: `6 cooldowns under 4 KB, typical (ids spread over 1–${cookie.maxAgentId})`,
        measured: String(cookie.typical.capacity),
        target: "≥ 200",
        pass: cookie.typical.capacity >= 200,
      },
      {
        figure: "6 cooldowns under 4 KB, worst (ids 2^21 apart: 4-byte deltas; 2-byte end offsets)",
        measured: String(cookie.worst.capacity),
        target: "≥ 200",
        pass: cookie.worst.capacity >= 200,
      },
      ...[lookupPglite, lookupPostgres].map((lookup) => ({
        figure: `8 session lookup in process p50, ${lookup.engine === "pglite" ? "PGlite" : "PostgreSQL"} (${lookup.samples} samples)`,
        measured: `${lookup.p50.toFixed(3)} ms (p95 ${lookup.p95.toFixed(3)}, p99 ${lookup.p99.toFixed(3)})`,
        target: "≤ 1 ms",
        pass: lookup.p50 <= 1,
      })),
      ...(
        [
          ["PGlite", lookupHttpPglite],
          ["PostgreSQL", lookupHttpPostgres],
        ] as const
      ).map(([engine, lookup]) => ({
        figure: `8 session read over HTTP, added p50 (a session with no row − no cookie, 401 both), ${engine}`,
        measured: `${lookup.addedP50Ms.toFixed(2)} ms (${ms(lookup.unknownSessionMs.p50)} − ${ms(lookup.noCookieMs.p50)}; ${lookup.samples} rounds)`,
        target: "reported (≤ 1 ms)",
        pass: null,
      })),
      {
        figure: "9 resident memory the embedded store adds ÷ PGlite's own floor",
        measured: `${ratio(memory.ratio)} (${memory.storeAddsMb.toFixed(0)} MB = console on PGlite ${memory.consolePgliteMb.toFixed(0)} − on PostgreSQL ${memory.consolePostgresMb.toFixed(0)}; floor ${memory.pgliteFloorMb.toFixed(0)} MB = bare node + PGlite ${memory.bareNodePgliteMb.toFixed(0)} − bare node ${memory.bareNodeMb.toFixed(0)})`,
        target: "≤ 1.10× (nothing beyond PGlite's own, ±10% noise)",
        pass: memory.ratio <= 1.1,
      },
      {
        figure: "9 (in it: a console's first start on a new store, PGlite ÷ PostgreSQL)",
        measured: `${firstStartPgliteMb.toFixed(0)} MB ÷ ${firstStartPostgresMb.toFixed(0)} MB (PGlite's initdb runs then; until the next restart)`,
        target: "reported",
        pass: null,
      },
      {
        figure: `7 req/s /api/agents ÷ faucet list_agents (the same ${THROUGHPUT_AGENTS} agents, interleaved)`,
        measured: `${ratio(throughput.ratio)} (${throughput.console.requestsPerSecond.toFixed(0)} ÷ ${throughput.faucet.requestsPerSecond.toFixed(0)} req/s; errors incl. non-2xx ${throughput.console.errors}/${throughput.faucet.errors})`,
        target: "ratio reported; 0 errors",
        pass: throughputErrors === 0,
      },
      {
        figure: `10 incident run wall time ÷ (${INCIDENT_AGENTS} × direct call ÷ ${incident.concurrency})`,
        measured: `${ratio(incidentRatio)} (${ms(incident.wallMs)} ÷ ${ms(incident.idealMs)}; direct call ${ms(incident.directMs)})`,
        target: "≤ 1.15",
        pass: incidentRatio <= 1.15,
      },
      {
        figure: "10 long tasks over 50 ms during the run",
        measured: `${incident.longTasks} (longest ${ms(incident.longestTaskMs)})`,
        target: "0",
        pass: incident.longTasks === 0,
      },
      {
        figure: "10 table rows in the DOM during the run (most)",
        measured: String(incident.maxRowsInDom),
        target: "≤ 200",
        pass: incident.maxRowsInDom <= 200,
      },
      ...audit.rows,
      hostOutageRow(hostOutage),
      ...handoffRows(handoffPglite, "PGlite"),
      ...handoffRows(handoffPostgres, "PostgreSQL"),
      ...issue17Rows(),
    ];
    console.log();
    printTable(rows);
    writeJson(RESULTS, {
      measuredAt: new Date().toISOString(),
      machine: {
        cpus: cpus().length,
        node: process.version,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadavg(),
      },
      table: rows,
      figures: {
        rotationOverhead: { pglite: rotation, postgres: rotationPostgres },
        sessionLookup: {
          inProcess: { pglite: lookupPglite, postgres: lookupPostgres },
          overHttp: { pglite: lookupHttpPglite, postgres: lookupHttpPostgres },
        },
        storeMemory: { ...memory, firstStartPgliteMb, firstStartPostgresMb },
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
        incident,
        incidentBusy,
        storeStatements: statements,
        agentsPageLoad,
        memoryPeaks: { pglite: idlePgliteStarts, postgres: idlePostgresStarts, emptyAppMb },
        rotationFiles: traced,
        auditLog: audit.json,
        hostOutage,
        handoff: { pglite: handoffPglite, postgres: handoffPostgres },
      },
    });
    console.log(`\nWritten to ${RESULTS}`);
    return rows.every((row) => row.pass !== false);
  } finally {
    await browser.close();
    await stopAll();
    cluster.destroy();
  }
}

function firstLoadRow(consoleJs: FirstLoadJs, emptyJs: FirstLoadJs): Row {
  const jsRatio = consoleJs.gzipBytes / emptyJs.gzipBytes;
  return {
    figure: "2 first-load JS gzip (/agents ÷ empty app)",
    measured: `${ratio(jsRatio)} (${kb(consoleJs.gzipBytes)} ÷ ${kb(emptyJs.gzipBytes)})`,
    target: "≤ 1.40",
    pass: jsRatio <= 1.4,
  };
}

/** Figure 2 on its own: the console with 10 agents and the empty app, on the same ports as the full run. */
async function firstLoadOnly(): Promise<boolean> {
  step(`building the console into ${DIST_DIR} and an empty app in ${EMPTY_APP}`);
  await buildConsole(DIST_DIR, DATA);
  await buildEmptyApp(EMPTY_APP, DATA);
  const small = await startConsole({
    port: PORTS.small,
    distDir: DIST_DIR,
    dataDir: join(DATA, "small"),
    seedAgents: 10,
  });
  const empty = await startNextApp({ port: PORTS.empty, dir: EMPTY_APP, logFile: join(DATA, "empty-app.log") });
  const browser = await launchChromium();
  try {
    step("2: first-load JavaScript");
    const consoleJs = await measureFirstLoadJs(`${small.url}/agents`, await signIn(browser, small.url, "demo"));
    const emptyJs = await measureFirstLoadJs(`${empty.url}/`);
    const row = firstLoadRow(consoleJs, emptyJs);
    console.log();
    printTable([row]);
    console.log(
      `\n/agents: ${consoleJs.scripts} scripts, ${kb(consoleJs.rawBytes)} raw; empty app: ${emptyJs.scripts} scripts, ${kb(emptyJs.rawBytes)} raw`,
    );
    return row.pass !== false;
  } finally {
    await browser.close();
    await stopAll();
  }
}

/** A fresh operator with one agent on `consoleUrl`, signed in; the agent's host is enrolled and watched. */
async function hostOutageOn(browser: Browser, consoleUrl: string, faucetApiUrl: string): Promise<HostOutageFigure> {
  const operator = await newOperator(faucetApiUrl, "Bench host operator", 1);
  const agentId = operator.agentIds[0] ?? 0;
  return measureHostOutage({
    consoleUrl,
    faucetApiUrl,
    distDir: DIST_DIR,
    cookie: await signIn(browser, consoleUrl, operator.operatorKey),
    agent: { id: agentId, name: "Bench host operator agent 001" },
    rotations: HOST_OUTAGE_ROTATIONS,
  });
}

function hostOutageRow(figure: HostOutageFigure): Row {
  const ratioToTarget = figure.outageMaxMs / figure.targetMs;
  return {
    figure: `23 host delivery outage, max over ${figure.rotations} (commit → working key in credentials.json) ÷ (watch interval ${figure.intervalSeconds} s + 2 s)`,
    measured: `${ratio(ratioToTarget)} (max ${ms(figure.outageMaxMs)}, p50 ${ms(figure.outageP50Ms)} ÷ ${ms(figure.targetMs)})`,
    target: "≤ 1.00",
    pass: ratioToTarget <= 1,
  };
}

/** Issue 23's outage figure on its own: the console on PGlite and the stand-alone faucet, on the full run's ports. */
async function hostOutageOnly(): Promise<boolean> {
  step(`building the console into ${DIST_DIR}`);
  await buildConsole(DIST_DIR, DATA);
  const { faucetApiUrl } = await startBenchFaucet();
  const remote = await startConsole({
    port: PORTS.remote,
    distDir: DIST_DIR,
    dataDir: join(DATA, "remote"),
    faucetApiUrl,
  });
  const browser = await launchChromium();
  try {
    step(`23: host delivery outage, ${HOST_OUTAGE_ROTATIONS} rotations to a host running receive.mjs watch (PGlite)`);
    const figure = await hostOutageOn(browser, remote.url, faucetApiUrl);
    const row = hostOutageRow(figure);
    console.log();
    printTable([row]);
    console.log(`\nhost delivery outage: ${JSON.stringify(figure)}`);
    return row.pass !== false;
  } finally {
    await browser.close();
    await stopAll();
  }
}

/** A fresh operator with 2 × HANDOFF_ROTATIONS agents on `consoleUrl`, signed in. */
async function handoffOn(browser: Browser, consoleUrl: string, faucetApiUrl: string): Promise<HandoffFigure> {
  const operator = await newOperator(faucetApiUrl, "Bench hand-off operator", 2 * HANDOFF_ROTATIONS);
  return measureHandoff({
    consoleUrl,
    cookie: await signIn(browser, consoleUrl, operator.operatorKey),
    agentIds: operator.agentIds,
    rotations: HANDOFF_ROTATIONS,
  });
}

function handoffRows(figure: HandoffFigure, engine: string): Row[] {
  return [
    {
      figure: `20 rotation with a hand-off ÷ without, p50 (${figure.rotations} each, interleaved), ${engine}`,
      measured: `${ratio(figure.ratio)} (${ms(figure.rotationWithHandoffP50Ms)} ÷ ${ms(figure.rotationP50Ms)})`,
      target: "≤ 1.10",
      pass: figure.ratio <= 1.1,
    },
    {
      figure: `20 hand-off redeem over HTTP (format=credentials), ${engine}`,
      measured: `p50 ${ms(figure.redeemP50Ms)}, p95 ${ms(figure.redeemP95Ms)}`,
      target: "reported",
      pass: null,
    },
  ];
}

/** The stand-alone faucet every figure but the 10,000-agent ones calls, and its API's URL. */
async function startBenchFaucet() {
  const faucet = await startFaucet({
    port: PORTS.faucet,
    dataDir: join(DATA, "faucet"),
    logFile: join(DATA, "faucet.log"),
  });
  return { faucet, faucetApiUrl: `${faucet.url}/ai-agents/api` };
}

/** The two consoles on the stand-alone faucet: one on PGlite, one on a database of the bench's PostgreSQL. */
async function startRemoteConsoles(faucetApiUrl: string, clusterUrl: string) {
  const remote = await startConsole({
    port: PORTS.remote,
    distDir: DIST_DIR,
    dataDir: join(DATA, "remote"),
    faucetApiUrl,
  });
  const remotePostgres = await startConsole({
    port: PORTS.remotePostgres,
    distDir: DIST_DIR,
    dataDir: join(DATA, "remote-postgres"),
    faucetApiUrl,
    databaseUrl: await createBenchDatabase(clusterUrl),
  });
  return { remote, remotePostgres };
}

/** The hand-off figures on their own: the stand-alone faucet, a console on PGlite and one on PostgreSQL. */
async function handoffOnly(): Promise<boolean> {
  step(`building the console into ${DIST_DIR}`);
  await buildConsole(DIST_DIR, DATA);
  const cluster = await createPostgresCluster();
  process.once("exit", () => cluster.destroy());
  const { faucetApiUrl } = await startBenchFaucet();
  const { remote, remotePostgres } = await startRemoteConsoles(faucetApiUrl, cluster.url);
  const browser = await launchChromium();
  try {
    step(
      `20: rotation with a hand-off against without (${HANDOFF_ROTATIONS} each), redeem latency, PGlite then PostgreSQL`,
    );
    const pglite = await handoffOn(browser, remote.url, faucetApiUrl);
    const postgres = await handoffOn(browser, remotePostgres.url, faucetApiUrl);
    console.log();
    printTable([...handoffRows(pglite, "PGlite"), ...handoffRows(postgres, "PostgreSQL")]);
    return true;
  } finally {
    await browser.close();
    await stopAll();
    cluster.destroy();
  }
}

function step(message: string) {
  console.log(`· ${message}`);
}

function kb(bytes: number) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

runScript(main);
