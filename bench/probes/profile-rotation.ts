/**
 * Where a rotation's time goes: `npx tsx bench/probes/profile-rotation.ts` (after `npm run bench`
 * built `.next-bench`, or BENCH_DIST_DIR) starts the stand-alone faucet and one console on PGlite
 * (DATABASE_URL: on PostgreSQL) under node's CPU profiler, makes ROTATIONS agent rotations
 * through the rotate action with no added faucet latency, stops the console (which writes the
 * profile) and prints the busy time of the rotations' window by where it was spent.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { actionId, callAction } from "../lib/action-call";
import { REPO } from "../lib/build";
import { launchChromium } from "../lib/chromium";
import { newOperator, setFaults } from "../lib/faucet-api";
import { startProcess, stopAll } from "../lib/processes";
import { signIn } from "../lib/sign-in";
import { BENCH_SECRETS, startFaucet, waitForHttp } from "../lib/start-servers";
import { percentile } from "../lib/stats";

const ROTATIONS = Number(process.env.ROTATIONS ?? 200);
const DIST_DIR = process.env.BENCH_DIST_DIR ?? ".next-bench";
const DATA = join(REPO, ".data-profile");
const PROFILES = join(DATA, "profiles");

type ProfileNode = { id: number; callFrame: { functionName: string; url: string }; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number };

/** Where a sampled frame's time belongs. */
function placeOf(frame: ProfileNode["callFrame"]): string {
  const { url, functionName } = frame;
  if (functionName === "(idle)") return "idle";
  if (functionName === "(garbage collector)") return "garbage collector";
  if (url.includes("@electric-sql/pglite") || url.startsWith("wasm") || /^[0-9a-f]{8}$/.test(url))
    return "PGlite (JS and wasm)";
  if (url.includes("node_modules/next/")) return "Next.js runtime";
  if (url.includes("node_modules/react")) return "React";
  if (url.includes(DIST_DIR)) return "the console's bundle (app, Drizzle, iron-session, React server)";
  if (url.startsWith("node:") || !url.includes("/"))
    return `node: ${url.replace(/^node:/, "") || functionName || "native"}`;
  return url;
}

async function main() {
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(PROFILES, { recursive: true });
  const faucet = await startFaucet({ port: 4550, dataDir: join(DATA, "faucet"), logFile: join(DATA, "faucet.log") });
  const api = `${faucet.url}/ai-agents/api`;
  const operator = await newOperator(api, "Profiled operator", ROTATIONS);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_DIST_DIR: DIST_DIR,
    CONSOLE_DATA_DIR: join(DATA, "console"),
    FAUCET_API_URL: api,
    ...BENCH_SECRETS,
    RATE_LIMIT_ROTATIONS: "100000",
    RATE_LIMIT_SIGN_INS: "100000",
  };
  const next = join(REPO, "node_modules", "next", "dist", "bin", "next");
  const console_ = startProcess(
    "console",
    process.execPath,
    ["--cpu-prof", `--cpu-prof-dir=${PROFILES}`, next, "start", "-H", "127.0.0.1", "-p", "4551"],
    {
      cwd: REPO,
      env,
      logFile: join(DATA, "console.log"),
    },
  );
  const url = "http://127.0.0.1:4551";
  await waitForHttp(`${url}/`);
  const browser = await launchChromium();
  let cookie = await signIn(browser, url, operator.operatorKey);
  await browser.close();
  await setFaults(faucet.url, {});
  const rotate = actionId(DIST_DIR, "lib/actions/rotate-agent-key.ts", "rotateAgentKey");
  const windowStart = Date.now();
  const times: number[] = [];
  for (const agentId of operator.agentIds) {
    const started = performance.now();
    const reply = await callAction(
      `${url}/agents`,
      rotate,
      [{ agentId, attemptId: randomUUID(), knownRotationAt: null, ownAttemptId: null }],
      cookie,
    );
    times.push(performance.now() - started);
    if ((reply.result as { ok?: unknown } | undefined)?.ok !== true) throw new Error(JSON.stringify(reply.result));
    if (reply.sessionCookie) cookie = reply.sessionCookie;
  }
  const windowEnd = Date.now();
  await console_.stop();
  await stopAll();

  const file = readdirSync(PROFILES).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no CPU profile in ${PROFILES}`);
  const profile = JSON.parse(readFileSync(join(PROFILES, file), "utf8")) as Profile;
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const spent = new Map<string, number>();
  const samplesByPlace: { at: number; place: string; us: number }[] = [];
  let at = profile.startTime;
  profile.samples.forEach((sample, index) => {
    at += profile.timeDeltas[index] ?? 0;
    const node = nodes.get(sample);
    if (node) samplesByPlace.push({ at, place: placeOf(node.callFrame), us: profile.timeDeltas[index] ?? 0 });
  });
  // The profile's clock (µs) has its own origin; it ends at the console's stop, just after the rotations' window.
  const end = samplesByPlace.at(-1)?.at ?? 0;
  const windowUs = (windowEnd - windowStart) * 1000;
  for (const sample of samplesByPlace) {
    if (sample.at < end - windowUs - 1_000_000 || sample.place === "idle") continue;
    spent.set(sample.place, (spent.get(sample.place) ?? 0) + sample.us / 1000);
  }
  const busy = [...spent.values()].reduce((sum, value) => sum + value, 0);
  console.log(
    `${ROTATIONS} rotations: p50 ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms; console busy ${(busy / ROTATIONS).toFixed(1)} ms per rotation`,
  );
  for (const [place, ms] of [...spent.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(
      `${((100 * ms) / busy).toFixed(1).padStart(5)}%  ${(ms / ROTATIONS).toFixed(2).padStart(6)} ms/rotation  ${place}`,
    );
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
