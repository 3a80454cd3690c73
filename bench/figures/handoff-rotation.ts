import { randomUUID } from "node:crypto";
import { consolePost } from "../lib/console-post";
import { percentile } from "../lib/stats";

export type HandoffFigure = {
  rotations: number;
  rotationP50Ms: number;
  rotationWithHandoffP50Ms: number;
  /** Rotation with a hand-off p50 ÷ without. */
  ratio: number;
  redeemP50Ms: number;
  redeemP95Ms: number;
};

const REDEEMS = 30;

type HandoffOptions = {
  consoleUrl: string;
  /** A session cookie of the operator who owns `agentIds` (2 × rotations of them). */
  cookie: string;
  agentIds: number[];
  rotations: number;
};

/**
 * The hand-off figures (issue 20): `rotations` rotations through the bulk route without a hand-off
 * and as many with one, interleaved so both see the same load, then each hand-off redeemed once
 * over HTTP as receive.mjs does (format=credentials). Was e2e/handoff.spec.ts's timed tests.
 */
export async function measureHandoff({
  consoleUrl,
  cookie,
  agentIds,
  rotations,
}: HandoffOptions): Promise<HandoffFigure> {
  if (agentIds.length < 2 * rotations) throw new Error(`${2 * rotations} agents needed, ${agentIds.length} given`);
  const post = consolePost(consoleUrl, cookie);
  const runs = await post("/api/bulk/runs", { kind: "rotate", size: 2 * rotations });
  const batchId = runs.data?.batchId;
  if (typeof batchId !== "string") throw new Error(`no bulk run: ${JSON.stringify(runs)}`);
  const rotate = async (agentId: number, handOff: boolean) => {
    const started = performance.now();
    const reply = await post("/api/bulk/rotate-agent-key", {
      agentId,
      batchId,
      attemptId: randomUUID(),
      knownRotationAt: null,
      ownAttemptId: null,
      ...(handOff ? { handOff: { agentName: `Agent ${agentId}` } } : {}),
    });
    const ms = performance.now() - started;
    if (reply.ok !== true) throw new Error(`rotation of agent ${agentId} failed: ${JSON.stringify(reply)}`);
    return { ms, data: reply.data ?? {} };
  };

  const plain: number[] = [];
  const handedOff: number[] = [];
  const handoffs: { id: string; token: string }[] = [];
  for (let index = 0; index < rotations; index++) {
    const without = await rotate(agentIds[2 * index]!, false);
    if (typeof without.data.apiKey !== "string") throw new Error("a rotation without a hand-off returned no key");
    plain.push(without.ms);
    const withHandoff = await rotate(agentIds[2 * index + 1]!, true);
    const handoff = withHandoff.data.handoff as { id?: unknown; token?: unknown } | undefined;
    if (withHandoff.data.apiKey !== null || typeof handoff?.id !== "string" || typeof handoff.token !== "string")
      throw new Error(`a rotation with a hand-off returned a key or no hand-off: ${JSON.stringify(withHandoff.data)}`);
    handedOff.push(withHandoff.ms);
    handoffs.push({ id: handoff.id, token: handoff.token });
  }
  const redeems: number[] = [];
  // Redeems from one address are limited per minute (the console's default limits): 30 of them are the sample.
  for (const { id, token } of handoffs.slice(0, REDEEMS)) {
    const started = performance.now();
    const response = await fetch(`${consoleUrl}/api/handoff/${id}/redeem?format=credentials`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}` },
    });
    const body = (await response.json()) as { agent?: { api_key?: unknown } };
    redeems.push(performance.now() - started);
    if (response.status !== 200 || typeof body.agent?.api_key !== "string")
      throw new Error(`a redeem answered HTTP ${response.status} without credentials`);
  }
  return {
    rotations,
    rotationP50Ms: percentile(plain, 50),
    rotationWithHandoffP50Ms: percentile(handedOff, 50),
    ratio: percentile(handedOff, 50) / percentile(plain, 50),
    redeemP50Ms: percentile(redeems, 50),
    redeemP95Ms: percentile(redeems, 95),
  };
}
