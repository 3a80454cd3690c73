import { randomUUID } from "node:crypto";
import { dirname, join, relative } from "node:path";
import type { Browser } from "playwright-core";
import { actionId, callAction } from "../lib/action-call";
import { faucetCalls, faucetOk, setFaults } from "../lib/faucet-api";
import { signIn } from "../lib/sign-in";
import { percentile, timed } from "../lib/stats";

const WARM_UP = 5;
const ADDED_LATENCY_MS = 50;
/** Agents one round uses: one each for the console, the floor app and the direct call. */
export const AGENTS_PER_ROUND = 3;

type Percentiles = { p50: number; p95: number };

export type RotationOverhead = {
  rotations: number;
  actionMs: Percentiles;
  directMs: Percentiles;
  /** The floor app's action: Next.js's own cost of an action that makes the same faucet call and sets one cookie. */
  floorMs: Percentiles;
  ratio: Percentiles;
  /** Console ÷ floor: what the console adds over the framework's floor. */
  ratioToFloor: Percentiles;
  /** The same action refused at once (no Origin): Next's own cost of an action call, no session, no faucet. */
  refusedMs: Percentiles;
  /** Faucet calls one console rotation causes (1 = only regenerate_agent_key). */
  faucetCallsPerAction: number;
};

/** The operator whose agents are rotated; the floor app was started with its key. */
export type RotationOperator = { operatorKey: string; agentIds: number[] };

/**
 * Figure 1: the console's rotate action over HTTP (Origin check, session unseal and reseal,
 * guard, rate limit, the faucet call, the RSC reply) against the floor (bench/floor-app: a
 * bare Next.js action making the same regenerate_agent_key call and setting one cookie) and
 * against a direct regenerate_agent_key, all on the stand-alone faucet with 50 ms added to
 * every call. Interleaved rounds, the order rotating, each rotation on its own agent (so the
 * "rotated elsewhere" guard, which needs the previous cooldown end for a second rotation,
 * never applies).
 */
export async function measureRotationOverhead(options: {
  browser: Browser;
  consoleUrl: string;
  faucetUrl: string;
  distDir: string;
  floor: { url: string; distDir: string };
  operator: RotationOperator;
  rotations: number;
}): Promise<RotationOverhead> {
  const { browser, consoleUrl, faucetUrl, distDir, floor, operator, rotations } = options;
  const apiUrl = `${faucetUrl}/ai-agents/api`;
  if (operator.agentIds.length < AGENTS_PER_ROUND * (rotations + WARM_UP)) throw new Error("not enough agents");
  await setFaults(faucetUrl, {});
  let cookie = await signIn(browser, consoleUrl, operator.operatorKey);
  const rotate = actionId(distDir, "lib/actions/rotate-agent-key.ts", "rotateAgentKey");
  // The floor app's bundler root is "/" (see its next.config), so its manifest names files from there.
  const floorRotate = actionId(
    floor.distDir,
    relative("/", join(dirname(floor.distDir), "app", "rotate-agent-key.ts")),
    "rotateAgentKey",
  );
  let floorCookie = "";

  const viaConsole = async (agentId: number) => {
    const reply = await callAction(
      `${consoleUrl}/agents`,
      rotate,
      [{ agentId, attemptId: randomUUID(), knownRotationAt: null, ownAttemptId: null }],
      cookie,
    );
    const result = reply.result as { ok?: unknown; code?: unknown } | undefined;
    if (reply.status !== 200 || result?.ok !== true)
      throw new Error(`console rotation failed: HTTP ${reply.status}, ${JSON.stringify(result)}`);
    if (reply.sessionCookie) cookie = reply.sessionCookie;
  };
  const viaFloor = async (agentId: number) => {
    const reply = await callAction(
      `${floor.url}/`,
      floorRotate,
      [{ agentId }],
      floorCookie,
      new URL(floor.url).origin,
      "floor_rotated_at",
    );
    const result = reply.result as { ok?: unknown; apiKey?: unknown } | undefined;
    if (reply.status !== 200 || result?.ok !== true || typeof result.apiKey !== "string")
      throw new Error(`floor rotation failed: HTTP ${reply.status}, ${JSON.stringify(result)}`);
    if (!reply.sessionCookie) throw new Error("the floor app set no cookie");
    floorCookie = reply.sessionCookie;
  };
  const refused = async () => {
    const reply = await callAction(
      `${consoleUrl}/agents`,
      rotate,
      [{ agentId: 1, attemptId: randomUUID(), knownRotationAt: null, ownAttemptId: null }],
      cookie,
      null,
    );
    if ((reply.result as { code?: unknown } | undefined)?.code !== "forbidden_origin")
      throw new Error(`a missing Origin was not refused: ${JSON.stringify(reply.result)}`);
  };
  const direct = (agentId: number) =>
    faucetOk(apiUrl, { action: "regenerate_agent_key", api_key: operator.operatorKey, agent_id: agentId });

  const actionMs: number[] = [];
  const floorMs: number[] = [];
  const directMs: number[] = [];
  const refusedMs: number[] = [];
  let consoleCalls = 0;
  await setFaults(faucetUrl, { latencyMs: ADDED_LATENCY_MS });
  try {
    for (let index = 0; index < rotations + WARM_UP; index++) {
      const agent = (slot: number) => operator.agentIds[AGENTS_PER_ROUND * index + slot] ?? 0;
      const measured = index >= WARM_UP;
      const measureConsole = async () => {
        const before = await faucetCalls(faucetUrl);
        const { ms } = await timed(() => viaConsole(agent(0)));
        const after = await faucetCalls(faucetUrl);
        if (measured) {
          actionMs.push(ms);
          consoleCalls += sumCalls(after) - sumCalls(before);
        }
      };
      const measureFloor = async () => {
        const { ms } = await timed(() => viaFloor(agent(1)));
        if (measured) floorMs.push(ms);
      };
      const measureDirect = async () => {
        const { ms } = await timed(() => direct(agent(2)));
        if (measured) directMs.push(ms);
      };
      const { ms: refusal } = await timed(refused);
      if (measured) refusedMs.push(refusal);
      // Each of the three goes first, second and third equally often.
      const order = [measureConsole, measureFloor, measureDirect];
      for (let turn = 0; turn < order.length; turn++) await (order[(index + turn) % order.length] ?? measureConsole)();
    }
  } finally {
    await setFaults(faucetUrl, {});
  }
  const p = (values: number[]): Percentiles => ({ p50: percentile(values, 50), p95: percentile(values, 95) });
  const action = p(actionMs);
  const straight = p(directMs);
  const bare = p(floorMs);
  return {
    rotations,
    actionMs: action,
    directMs: straight,
    floorMs: bare,
    ratio: { p50: action.p50 / straight.p50, p95: action.p95 / straight.p95 },
    ratioToFloor: { p50: action.p50 / bare.p50, p95: action.p95 / bare.p95 },
    refusedMs: p(refusedMs),
    faucetCallsPerAction: consoleCalls / rotations,
  };
}

function sumCalls(calls: Record<string, number>): number {
  return Object.values(calls).reduce((total, count) => total + count, 0);
}
