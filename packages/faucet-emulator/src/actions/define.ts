import type { z } from "zod";
import { parseParams } from "../params";
import { refuse, type ActionOutcome } from "../refusal";
import type { AgentRecord, FaucetState, OperatorRecord } from "../state";

/**
 * How an action declares who may call it. Each wrapper does the role check and the
 * param parse once, so an action body only ever sees an authorised caller and typed
 * params — the same "authenticated action" shape the console's server actions use.
 */

export type Caller = { role: "operator"; operator: OperatorRecord } | { role: "agent"; agent: AgentRecord };

/** What the dispatcher learned from the request's key, before any action looked at it. */
export type KeyLookup = { kind: "none" } | { kind: "unknown" } | { kind: "found"; caller: Caller };

export type RateLimitInfo = { limit: number; remaining: number; resetAt: number };

export type RawContext = {
  state: FaucetState;
  now: number;
  key: KeyLookup;
  body: Record<string, unknown>;
  rateLimit: RateLimitInfo | null;
};

export type ActionDefinition = {
  /** True when a successful run changes state, so the dispatcher must persist before replying. */
  mutates: boolean;
  /** True for the actions anyone may call without a key (register, recover, get_info). */
  keyless?: boolean;
  execute(context: RawContext): ActionOutcome;
};

type Context<C, P> = { state: FaucetState; now: number; caller: C; params: P; rateLimit: RateLimitInfo | null };

type Options<C, P> = { params: z.ZodType<P>; mutates: boolean; run(context: Context<C, P>): ActionOutcome };

const MISSING_KEY = "API key is required (send api_key, Authorization: Bearer, or X-API-Key).";
const UNKNOWN_KEY = "API key not recognised. It may be mistyped, or it was rotated and no longer works.";

function withParams<C, P>(options: Options<C, P>, context: RawContext, caller: C): ActionOutcome {
  const parsed = parseParams(options.params, context.body);
  if (!parsed.ok) return refuse("invalid_request", parsed.message);
  return options.run({
    state: context.state,
    now: context.now,
    caller,
    params: parsed.data,
    rateLimit: context.rateLimit,
  });
}

function requireKey(key: KeyLookup): Caller | ActionOutcome {
  if (key.kind === "none") return refuse("invalid_key", MISSING_KEY);
  if (key.kind === "unknown") return refuse("invalid_key", UNKNOWN_KEY);
  return key.caller;
}

function isCaller(value: Caller | ActionOutcome): value is Caller {
  return "role" in value;
}

export function defineOperatorAction<P>(options: Options<OperatorRecord, P>): ActionDefinition {
  return {
    mutates: options.mutates,
    execute(context) {
      const caller = requireKey(context.key);
      if (!isCaller(caller)) return caller;
      if (caller.role !== "operator")
        return refuse("wrong_role", "This action requires an operator key (lf_…); an agent key was sent.");
      return withParams(options, context, caller.operator);
    },
  };
}

export function defineAgentAction<P>(options: Options<AgentRecord, P>): ActionDefinition {
  return {
    mutates: options.mutates,
    execute(context) {
      const caller = requireKey(context.key);
      if (!isCaller(caller)) return caller;
      if (caller.role !== "agent")
        return refuse("wrong_role", "This action requires an agent key (agent_…); an operator key was sent.");
      return withParams(options, context, caller.agent);
    },
  };
}

/** Either kind of key; the action branches on `caller.role`. */
export function defineKeyedAction<P>(options: Options<Caller, P>): ActionDefinition {
  return {
    mutates: options.mutates,
    execute(context) {
      const caller = requireKey(context.key);
      if (!isCaller(caller)) return caller;
      return withParams(options, context, caller);
    },
  };
}

/** No key needed; a key that was sent anyway (even an unknown one) is ignored. */
export function definePublicAction<P>(options: Options<null, P>): ActionDefinition {
  return { mutates: options.mutates, keyless: true, execute: (context) => withParams(options, context, null) };
}

/** The caller's own agent, or null for unknown ids and other operators' agents alike. */
export function findOwnedAgent(state: FaucetState, operatorId: number, agentId: number): AgentRecord | null {
  const agent = state.agents.get(agentId);
  return agent && agent.operatorId === operatorId ? agent : null;
}
