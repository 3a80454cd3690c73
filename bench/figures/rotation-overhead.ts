import type { Browser } from "playwright-core";
import { actionId, callAction } from "../lib/action-call";
import { faucetCalls, faucetOk, newOperator, setFaults } from "../lib/faucet-api";
import { signIn } from "../lib/sign-in";
import { percentile, timed } from "../lib/stats";

const WARM_UP = 5;
const ADDED_LATENCY_MS = 50;

export type RotationOverhead = {
  rotations: number;
  actionMs: { p50: number; p95: number };
  directMs: { p50: number; p95: number };
  ratio: { p50: number; p95: number };
  /** The same action refused at once (no Origin): Next's own cost of an action call, no session, no faucet. */
  refusedMs: { p50: number; p95: number };
  /** Faucet calls one console rotation causes (1 = only regenerate_agent_key). */
  faucetCallsPerAction: number;
};

/**
 * Figure 1: the console's rotate action over HTTP (Origin check, session unseal and reseal,
 * guard, rate limit, the faucet call, the RSC reply) against a direct regenerate_agent_key,
 * both on the stand-alone faucet with 50 ms added to every call. Interleaved pairs, the
 * order alternating, each rotation on its own agent (so the "rotated elsewhere" guard, which
 * needs the previous cooldown end for a second rotation, never applies).
 */
export async function measureRotationOverhead(options: { browser: Browser; consoleUrl: string; faucetUrl: string; distDir: string; rotations: number }): Promise<RotationOverhead> {
  const { browser, consoleUrl, faucetUrl, distDir, rotations } = options;
  const apiUrl = `${faucetUrl}/ai-agents/api`;
  await setFaults(faucetUrl, {});
  const { operatorKey, agentIds } = await newOperator(apiUrl, "Bench rotation operator", 2 * (rotations + WARM_UP));
  let cookie = await signIn(browser, consoleUrl, operatorKey);
  const rotate = actionId(distDir, "lib/actions/rotate-agent-key.ts", "rotateAgentKey");

  const viaConsole = async (agentId: number) => {
    const reply = await callAction(`${consoleUrl}/agents`, rotate, [{ agentId, seenCooldownUntil: null }], cookie);
    const result = reply.result as { ok?: unknown; code?: unknown } | undefined;
    if (reply.status !== 200 || result?.ok !== true) throw new Error(`console rotation failed: HTTP ${reply.status}, ${JSON.stringify(result)}`);
    if (reply.sessionCookie) cookie = reply.sessionCookie;
  };
  const refused = async () => {
    const reply = await callAction(`${consoleUrl}/agents`, rotate, [{ agentId: 1, seenCooldownUntil: null }], cookie, null);
    if ((reply.result as { code?: unknown } | undefined)?.code !== "forbidden_origin") throw new Error(`a missing Origin was not refused: ${JSON.stringify(reply.result)}`);
  };
  const direct = (agentId: number) => faucetOk(apiUrl, { action: "regenerate_agent_key", api_key: operatorKey, agent_id: agentId });

  const actionMs: number[] = [];
  const directMs: number[] = [];
  const refusedMs: number[] = [];
  let consoleCalls = 0;
  await setFaults(faucetUrl, { latencyMs: ADDED_LATENCY_MS });
  try {
    for (let index = 0; index < rotations + WARM_UP; index++) {
      const consoleAgent = agentIds[2 * index];
      const directAgent = agentIds[2 * index + 1];
      if (consoleAgent === undefined || directAgent === undefined) throw new Error("not enough agents");
      const measureConsole = async () => {
        const before = await faucetCalls(faucetUrl);
        const { ms } = await timed(() => viaConsole(consoleAgent));
        const after = await faucetCalls(faucetUrl);
        if (index >= WARM_UP) {
          actionMs.push(ms);
          consoleCalls += sumCalls(after) - sumCalls(before);
        }
      };
      const measureDirect = async () => {
        const { ms } = await timed(() => direct(directAgent));
        if (index >= WARM_UP) directMs.push(ms);
      };
      const { ms: refusal } = await timed(refused);
      if (index >= WARM_UP) refusedMs.push(refusal);
      if (index % 2 === 0) {
        await measureConsole();
        await measureDirect();
      } else {
        await measureDirect();
        await measureConsole();
      }
    }
  } finally {
    await setFaults(faucetUrl, {});
  }
  const p = (values: number[]) => ({ p50: percentile(values, 50), p95: percentile(values, 95) });
  const action = p(actionMs);
  const straight = p(directMs);
  return {
    rotations,
    actionMs: action,
    directMs: straight,
    ratio: { p50: action.p50 / straight.p50, p95: action.p95 / straight.p95 },
    refusedMs: p(refusedMs),
    faucetCallsPerAction: consoleCalls / rotations,
  };
}

function sumCalls(calls: Record<string, number>): number {
  return Object.values(calls).reduce((total, count) => total + count, 0);
}
