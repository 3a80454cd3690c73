"use client";

import { useCallback, useReducer, useRef, useState } from "react";
import { failure, mayHaveCommitted, type ActionResult } from "@/lib/action-result";
import {
  createBulkRun,
  type BulkItem,
  type BulkProgress,
  type BulkRun,
  type CallResult,
  type RunHandoff,
} from "./bulk-run";
import type { SelectedAgent } from "./selection";

/** "connect-host": "Connect agent hosts", one enrolment link per agent (no faucet change). */
export type BulkKind = "rotate" | "deactivate" | "connect-host";

/**
 * What one call of a run answers: a rotation's key, or (handing off) null and its hand-off's link
 * parts, or (connecting hosts) an enrolment link's parts.
 */
type CallReply = { apiKey?: string | null; handoff?: RunHandoff | null; enrolment?: RunHandoff | null };

/** A bulk run's call for one agent; `ownAttemptId` is set when the run is a "Rotate again". */
export type BulkCall = (
  agent: SelectedAgent,
  context: { batchId: string; attemptId: string; ownAttemptId: string | null },
) => Promise<ActionResult<CallReply>>;

/** A failure that may have changed the agent (mayHaveCommitted) is "unknown"; all else changed nothing. */
export function toCallResult(result: ActionResult<CallReply>): CallResult {
  if (result.ok)
    return {
      ok: true,
      apiKey: result.data.apiKey ?? null,
      handoff: result.data.handoff ?? null,
      enrolment: result.data.enrolment ?? null,
    };
  if (result.code === "rate_limited")
    return {
      ok: false,
      kind: "rate_limited",
      retryAfterSeconds: result.retryAfterSeconds ?? 5,
      message: result.message,
    };
  return { ok: false, kind: mayHaveCommitted(result.code) ? "unknown" : "refused", message: result.message };
}

/**
 * Sends one single-agent call of a bulk run as a plain JSON POST (see lib/http/json-action-route.ts:
 * Next's client would queue server actions one at a time). A reply that never comes is thrown,
 * and the run counts it as "outcome unknown".
 */
export async function postBulkCall<Reply = CallReply>(path: string, input: object): Promise<ActionResult<Reply>> {
  const response = await fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(input),
    cache: "no-store",
  });
  const body = (await response.json().catch(() => null)) as ActionResult<Reply> | null;
  if (!body || typeof body !== "object" || typeof body.ok !== "boolean")
    throw new Error(`The console answered HTTP ${response.status} without a result.`);
  return body;
}

/**
 * Asks the console for a run's batch id. The server issues it (for this operator, this kind and
 * this many agents, for a limited time), and /api/bulk/* accepts no other: a browser cannot
 * choose its way onto the bulk budget. Returns the id, or the message to show instead.
 */
export async function startBulkRun(kind: BulkKind, size: number): Promise<{ batchId: string } | { message: string }> {
  try {
    const result = (await postBulkCall("/api/bulk/runs", { kind, size })) as ActionResult<{ batchId?: unknown }>;
    if (!result.ok) return { message: result.message };
    return typeof result.data.batchId === "string"
      ? { batchId: result.data.batchId }
      : { message: "The console did not start the run. Try again." };
  } catch (error) {
    return { message: error instanceof Error ? error.message : "The console did not answer. Try again." };
  }
}

const rotationBody = (
  agent: Parameters<BulkCall>[0],
  { batchId, attemptId, ownAttemptId }: Parameters<BulkCall>[1],
) => ({ agentId: agent.id, attemptId, knownRotationAt: agent.lastRotation?.at ?? null, ownAttemptId, batchId });

export const rotateCall: BulkCall = (agent, ids) =>
  postBulkCall("/api/bulk/rotate-agent-key", rotationBody(agent, ids));

/**
 * "Hand off all": the same rotation, whose reply carries a hand-off's link parts instead of the key
 * (origin "bulk:<batch>"), so no key of the run reaches this tab. If a hand-off cannot be made the
 * reply holds the key after all (with a warning): the sheet shows that row's key.
 */
export const handOffCall: BulkCall = (agent, ids) =>
  postBulkCall("/api/bulk/rotate-agent-key", { ...rotationBody(agent, ids), handOff: { agentName: agent.name } });

export const deactivateCall: BulkCall = (agent, { batchId }) =>
  postBulkCall("/api/bulk/set-agent-active", { agentId: agent.id, isActive: false, batchId });

/**
 * "Connect agent hosts": a single-use enrolment link for the agent (POST /api/bulk/connect-agent-host,
 * the row menu's "Connect agent host" on the bulk budget). Nothing changes at the faucet, so a reply
 * that never comes is a refusal, not an unknown outcome: at worst a link nobody saw expires unused.
 */
export const connectHostCall: BulkCall = async (agent, { batchId }) => {
  try {
    const result = await postBulkCall<RunHandoff>("/api/bulk/connect-agent-host", {
      agentId: agent.id,
      agentName: agent.name,
      batchId,
    });
    return result.ok ? { ok: true, data: { enrolment: result.data } } : result;
  } catch {
    return failure("internal", "The console did not answer, so no link was shown. Connect this agent's host again.");
  }
};

export type FinishedRun = {
  kind: BulkKind;
  batchId: string;
  agents: ReadonlyMap<number, SelectedAgent>;
  run: BulkRun;
  progress: BulkProgress;
};

type PreparedRun = Omit<FinishedRun, "progress" | "agents"> & { agents: Map<number, SelectedAgent> };

/**
 * What a run's start does besides React: asks the console for the batch id, then builds the run
 * (not yet started) whose calls carry a fresh attempt id each, and, for "Rotate again", the attempt
 * each agent was last sent with (`attempts`, kept across runs). Returns the message to show instead
 * when the console would not issue the run.
 */
export async function prepareBulkRun({
  kind,
  agents,
  call,
  again,
  attempts,
  concurrency,
  onChange,
}: {
  kind: BulkKind;
  agents: readonly SelectedAgent[];
  call: BulkCall;
  again: boolean;
  attempts: Map<number, string>;
  concurrency: number;
  onChange?: () => void;
}): Promise<PreparedRun | { message: string }> {
  const issued = await startBulkRun(kind, agents.length);
  if ("message" in issued) return issued;
  const { batchId } = issued;
  const byId = new Map(agents.map((agent) => [agent.id, agent]));
  const items: BulkItem[] = agents.map(({ id, name }) => ({ agentId: id, name }));
  const run = createBulkRun({
    items,
    concurrency,
    onChange,
    call: async (item) => {
      const agent = byId.get(item.agentId);
      if (!agent) return { ok: false, kind: "refused", message: "Not in this run." };
      const attemptId = crypto.randomUUID();
      const ownAttemptId = again ? (attempts.get(agent.id) ?? null) : null;
      attempts.set(agent.id, attemptId);
      return toCallResult(await call(agent, { batchId, attemptId, ownAttemptId }));
    },
  });
  return { kind, batchId, agents: byId, run };
}

/** A finished run's agents whose outcome is unknown (for "Rotate again") and the refused ones with why. */
export function runOutcomes(run: Pick<PreparedRun, "agents" | "run">): {
  unknown: SelectedAgent[];
  refused: { agent: SelectedAgent; message: string }[];
} {
  const unknown: SelectedAgent[] = [];
  const refused: { agent: SelectedAgent; message: string }[] = [];
  for (const [agentId, state] of run.run.states()) {
    const agent = run.agents.get(agentId);
    if (!agent) continue;
    if (state.status === "unknown") unknown.push(agent);
    if (state.status === "refused") refused.push({ agent, message: state.message });
  }
  return { unknown, refused };
}

/**
 * One bulk run at a time, driven from this tab through the single-agent server actions.
 * The new keys stay in the run's memory (this hook's state) until the sheet closes and
 * `clear()` drops the run; nothing here writes them anywhere.
 */
export function useBulkRun(concurrency: number) {
  const [, rerender] = useReducer((count: number) => count + 1, 0);
  const [current, setCurrent] = useState<PreparedRun | null>(null);
  // The attempt each agent was last sent with: "Rotate again" names it as the agent's own.
  const attempts = useRef(new Map<number, string>());
  const starting = useRef(false);

  /** Starts a run and resolves when it ends; resolves with a message instead if the console would not start it. */
  const start = useCallback(
    async (
      kind: BulkKind,
      agents: readonly SelectedAgent[],
      call: BulkCall,
      { again = false }: { again?: boolean } = {},
    ): Promise<string | null> => {
      // A ref, not state: twenty clicks can land before React re-renders once.
      if (starting.current) return null;
      starting.current = true;
      const prepared = await prepareBulkRun({
        kind,
        agents,
        call,
        again,
        attempts: attempts.current,
        concurrency,
        onChange: rerender,
      });
      if ("message" in prepared) {
        starting.current = false;
        return prepared.message;
      }
      setCurrent(prepared);
      try {
        await prepared.run.start();
      } finally {
        starting.current = false;
      }
      return null;
    },
    [concurrency],
  );

  return {
    current: current ? { ...current, progress: current.run.progress() } : null,
    start,
    /** Drops the run and, with it, every key it holds. */
    clear: useCallback(() => setCurrent(null), []),
  };
}
