import { setTimeout as sleep } from "node:timers/promises";
import { ACTIONS } from "./actions";
import type { Caller, KeyLookup, RateLimitInfo } from "./actions/define";
import { printDemoKeyOnce, readDemoKey, writeDemoKey } from "./demo-key";
import { createFaultController, type Faults } from "./faults";
import { hashSecret } from "./keys";
import type { FaucetRefusal } from "./refusal";
import { createFaucetRateLimiter } from "./faucet-rate-limit";
import {
  refusalReply,
  htmlErrorReply,
  internalErrorReply,
  jsonReply,
  shutDownReply,
  successReply,
  truncated,
  withoutCooldowns,
  withoutKeys,
  type EmulatorReply,
} from "./replies";
import { parseRequest, type ParsedRequest } from "./request";
import { NEW_OPERATOR_BALANCE_SATS } from "./actions/account";
import { seedFaucetOperator, seedState, type SeededFaucetOperator } from "./seed";
import { emptyState, fromPersisted, toPersisted, type FaucetState } from "./state";
import { openDataDir, type DataDir } from "./data-dir";

/**
 * The embedded Lightning Faucet: one object that answers the contract's HTTP API from
 * a bodyText + headers pair, used in-process by the console and behind the stand-alone
 * HTTP server. No "server-only" import here: the stand-alone server runs under plain
 * tsx, where that package throws (embedded.ts carries the guard for the Next app).
 */

export type { EmulatorReply } from "./replies";
export type { Faults } from "./faults";

export type FaucetEmulatorOptions = {
  dataDir: string;
  /** Seed N generated agents instead of the six demo agents (only for an empty data dir). */
  seedAgents?: number;
  now?: () => number;
  printDemoKey?: boolean;
  /** Refuse with rate_limited past 60 requests/minute per key. Off by default; counting is always on. */
  enforceRateLimit?: boolean;
  /**
   * Caps for a demo console's embedded faucet, which anyone who reaches the console can
   * call: register and create_agent past them are refused. Seeding does not count against
   * them. Unset means no cap (the stand-alone test faucet).
   */
  maxOperators?: number;
  maxAgentsPerOperator?: number;
};

export type EmulatorRequest = {
  bodyText: string;
  headers: Record<string, string | undefined>;
  /**
   * Extension: aborted when the client has gone away (the HTTP server wires it to the
   * socket). A request aborted during injected latency is dropped unprocessed.
   */
  signal?: AbortSignal;
};

export type FaucetEmulator = {
  handle(request: EmulatorRequest): Promise<EmulatorReply>;
  setFaults(faults: Faults): void;
  clearFaults(): void;
  /** Calls per action; with an operator id, only those made with that operator's (or its agents') keys, current or retired. */
  stats(operatorId?: number): { calls: Record<string, number> };
  resetStats(): void;
  demoOperatorKey(): string | null;
  /** Test control: an operator with these agents in one write (see seedFaucetOperator in seed.ts); not counted as calls. */
  seedOperator(seed: { name: string; agentNames: readonly string[] }): SeededFaucetOperator;
  close(): void;
};

// Stats buckets for requests that never named a usable action.
const INVALID_BUCKET = "(invalid)";
const UNKNOWN_BUCKET = "(unknown)";

export function createFaucetEmulator(options: FaucetEmulatorOptions): FaucetEmulator {
  const now = options.now ?? Date.now;
  if (options.seedAgents !== undefined && !(Number.isInteger(options.seedAgents) && options.seedAgents >= 0)) {
    throw new RangeError(`seedAgents must be a whole number, 0 or more (got ${options.seedAgents})`);
  }
  const disk = openDataDir(options.dataDir);
  let loaded: { state: FaucetState; demoKey: string | null };
  try {
    loaded = loadOrSeed(disk, now(), options.seedAgents);
  } catch (error) {
    disk.release();
    throw error;
  }
  let state = loaded.state;
  let demoKey = loaded.demoKey;
  if (options.printDemoKey && demoKey) printDemoKeyOnce(demoKey);

  const faults = createFaultController();
  const limiter = createFaucetRateLimiter();
  let calls: Record<string, number> = {};
  let callsByOperator = new Map<number, Record<string, number>>();
  // Every key hash seen while valid, with its operator: a call made later with a retired
  // key is still attributed (for stats and scoped faults) to the operator it belonged to.
  const keyOperators = new Map<string, number>();
  let closed = false;
  // Set when a failed write could not be rolled back: memory may then be ahead of the
  // disk, so every later request gets a 500 rather than a reply the disk cannot back.
  let broken = false;

  function lookupKey(apiKey: string | null): { key: KeyLookup; keyHash: string | null } {
    if (apiKey === null) return { key: { kind: "none" }, keyHash: null };
    const keyHash = hashSecret(apiKey);
    const owner = state.keyIndex.get(keyHash);
    let caller: Caller | null = null;
    if (owner?.role === "operator") {
      const operator = state.operators.get(owner.id);
      if (operator) caller = { role: "operator", operator };
    } else if (owner?.role === "agent") {
      const agent = state.agents.get(owner.id);
      if (agent) caller = { role: "agent", agent };
    }
    return caller ? { key: { kind: "found", caller }, keyHash } : { key: { kind: "unknown" }, keyHash: null };
  }

  /** The operator a key belongs (or belonged) to, directly or through one of its agents. */
  function operatorOfKey(apiKey: string | null): number | null {
    if (apiKey === null) return null;
    const keyHash = hashSecret(apiKey);
    const owner = state.keyIndex.get(keyHash);
    const operatorId =
      owner?.role === "operator"
        ? owner.id
        : owner?.role === "agent"
          ? state.agents.get(owner.id)?.operatorId
          : undefined;
    if (operatorId === undefined) return keyOperators.get(keyHash) ?? null;
    keyOperators.set(keyHash, operatorId);
    return operatorId;
  }

  /** Persists before the reply exists; on failure memory is rolled back to what is on disk. */
  function commit(): void {
    try {
      disk.save(toPersisted(state));
    } catch (error) {
      try {
        const persisted = disk.load();
        state = persisted ? fromPersisted(persisted) : emptyState();
      } catch {
        broken = true;
      }
      throw error;
    }
  }

  /** A clear refusal when this call would grow the state past the demo caps; null otherwise. */
  function capRefusal(action: string, key: KeyLookup): FaucetRefusal | null {
    if (action === "register" && options.maxOperators !== undefined && state.operators.size >= options.maxOperators) {
      return {
        error_code: "limit_reached",
        error: `This demo faucet holds at most ${options.maxOperators} operators and is full; no more can register.`,
        extra: {},
      };
    }
    if (
      action === "create_agent" &&
      options.maxAgentsPerOperator !== undefined &&
      key.kind === "found" &&
      key.caller.role === "operator"
    ) {
      const operatorId = key.caller.operator.id;
      let owned = 0;
      for (const agent of state.agents.values()) if (agent.operatorId === operatorId) owned++;
      if (owned >= options.maxAgentsPerOperator) {
        return {
          error_code: "limit_reached",
          error: `This demo faucet allows at most ${options.maxAgentsPerOperator} agents per operator; this operator has ${owned}.`,
          extra: {},
        };
      }
    }
    return null;
  }

  /** Synchronous from auth to commit, so no other request can interleave with a change. */
  function runAction(parsed: Extract<ParsedRequest, { ok: true }>): EmulatorReply {
    const definition = ACTIONS.get(parsed.action);
    if (!definition) return internalErrorReply(); // parseRequest only lets known actions through
    const at = now();
    const { key, keyHash } = lookupKey(parsed.apiKey);
    let rateLimit: RateLimitInfo | null = null;
    if (keyHash !== null) {
      const hit = limiter.hit(keyHash, at);
      rateLimit = hit;
      if (hit.limited && options.enforceRateLimit) {
        const retryAfter = Math.max(1, Math.ceil((hit.resetAt - at) / 1000));
        return refusalReply({
          error_code: "rate_limited",
          error: `Rate limit of ${hit.limit} requests per minute exceeded; retry in ${retryAfter} s.`,
          extra: { retry_after: retryAfter },
        });
      }
    }
    const capped = capRefusal(parsed.action, key);
    if (capped) return refusalReply(capped);
    const result = definition.execute({ state, now: at, key, body: parsed.body, rateLimit });
    if (!result.ok) return refusalReply(result.refusal);
    if (definition.mutates) commit();
    const issued = result.operatorKeyIssued;
    if (issued && issued.operatorId === state.demoOperatorId) {
      demoKey = issued.apiKey;
      try {
        writeDemoKey(disk, issued.apiKey);
      } catch (error) {
        // The rotation is committed and its reply must still go out, or the new key is lost.
        console.warn(`Faucet emulator: could not update the demo key file: ${describeError(error)}`);
      }
    }
    return successReply(result.fields);
  }

  async function handleUnsafe({ bodyText, headers, signal }: EmulatorRequest): Promise<EmulatorReply> {
    if (closed) return shutDownReply();
    if (broken) return internalErrorReply();
    const parsed = parseRequest(bodyText, headers);
    const bucket = parsed.ok ? parsed.action : parsed.action === null ? INVALID_BUCKET : UNKNOWN_BUCKET;
    calls[bucket] = (calls[bucket] ?? 0) + 1;
    const operatorId = parsed.ok ? operatorOfKey(parsed.apiKey) : null;
    if (operatorId !== null) {
      const own = callsByOperator.get(operatorId) ?? {};
      own[bucket] = (own[bucket] ?? 0) + 1;
      callsByOperator.set(operatorId, own);
    }

    const active = faults.take(parsed.action, operatorId);
    // Latency comes first and the action commits after it: a client that times out
    // during the delay and closes the request has changed nothing.
    if (active?.latencyMs) {
      const completed = await sleep(active.latencyMs, true, { signal }).catch(() => false);
      if (!completed) return { ...internalErrorReply(), dropped: true };
    }
    if (signal?.aborted) return { ...internalErrorReply(), dropped: true };
    if (closed) return shutDownReply();
    if (active?.failWithStatus) return htmlErrorReply(active.failWithStatus);
    if (active?.refuseWith) return jsonReply(200, { ...active.refuseWith, success: false });

    const reply = parsed.ok ? runAction(parsed) : refusalReply(parsed.refusal);
    if (active?.dropReplyAfterCommit) return { ...reply, dropped: true };
    if (active?.omitKey) return withoutKeys(reply);
    if (active?.omitCooldowns) return withoutCooldowns(reply);
    if (active?.malformedJson) return truncated(reply);
    return reply;
  }

  return {
    async handle(request) {
      try {
        return await handleUnsafe(request);
      } catch (error) {
        // Never echo the error: it could carry request data. The message stays server-side.
        console.error(`Faucet emulator internal error: ${describeError(error)}`);
        return internalErrorReply();
      }
    },
    setFaults: (next) => faults.set(next),
    clearFaults: () => faults.clear(),
    stats: (operatorId) => ({ calls: { ...(operatorId === undefined ? calls : callsByOperator.get(operatorId)) } }),
    resetStats: () => {
      calls = {};
      callsByOperator = new Map();
    },
    demoOperatorKey: () => demoKey,
    seedOperator: (seed) => {
      if (closed || broken) throw new Error("the faucet emulator is closed or broken");
      const seeded = seedFaucetOperator(state, now(), { ...seed, balanceSats: NEW_OPERATOR_BALANCE_SATS });
      commit();
      return seeded;
    },
    close: () => {
      if (closed) return;
      closed = true;
      disk.release();
    },
  };
}

function loadOrSeed(
  disk: DataDir,
  at: number,
  seedAgents: number | undefined,
): { state: FaucetState; demoKey: string | null } {
  const persisted = disk.load();
  if (persisted) {
    const state = fromPersisted(persisted);
    return { state, demoKey: readDemoKey(disk, state) };
  }
  const state = emptyState();
  const { demoOperatorKey } = seedState(state, at, seedAgents);
  // Key file first: if the state write then fails, the next start re-seeds and rewrites
  // both, whereas the other order could leave a seeded operator whose key nobody has.
  writeDemoKey(disk, demoOperatorKey);
  disk.save(toPersisted(state));
  return { state, demoKey: demoOperatorKey };
}

function describeError(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
