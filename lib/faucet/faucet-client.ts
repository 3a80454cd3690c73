import type { z } from "zod";
import { abortable } from "./abortable";
import { FaucetError } from "./faucet-error";
import { refusalToError } from "./refusal-to-error";
import {
  acknowledgedSchema,
  budgetStatusSchema,
  createdAgentSchema,
  deleteAgentSchema,
  envelopeSchema,
  fundAgentSchema,
  listAgentsSchema,
  sweepSchema,
  refusalSchema,
  rotationSchema,
  whoamiSchema,
  type BudgetStatus,
  type FaucetAgent,
  type Rotation,
  type WhoAmI,
} from "./schemas";
import { TransportError, type FaucetRequestBody, type FaucetTransport } from "./transport";

export const DEFAULT_TIMEOUT_MS = 10_000;

/** What the public client sends as amount_sats for "sweep all"; the faucet moves the whole balance. */
export const SWEEP_ALL_SATS = 999_999_999;

export type CreatedAgent = { agentId: number; apiKey: string | null; name: string };
export type AgentBudget = { agentId: number; budgetLimitSats: number | null; via: "set_budget" | "update_agent" };
export type Sweep = { movedSats: number; agentBalanceSats: number; operatorBalanceSats: number | null };
export type Funding = { agentBalanceSats: number; operatorBalanceSats: number | null };

export type FaucetClientOptions = {
  transport: FaucetTransport;
  timeoutMs?: number;
  now?: () => number;
  /** Told of every call once it ends: its action, "ok" or the FaucetError's kind, and how long it took. */
  observe?: (call: { action: string; outcome: string; seconds: number }) => void;
};

export type FaucetClient = {
  whoami(apiKey: string): Promise<WhoAmI>;
  listAgents(operatorKey: string): Promise<FaucetAgent[]>;
  regenerateAgentKey(operatorKey: string, agentId: number): Promise<Rotation>;
  regenerateOperatorKey(operatorKey: string): Promise<Rotation>;
  createAgent(
    operatorKey: string,
    agent: { name: string; description?: string; budgetLimitSats?: number | null },
  ): Promise<CreatedAgent>;
  setAgentActive(
    operatorKey: string,
    agentId: number,
    isActive: boolean,
  ): Promise<{ agentId: number; isActive: boolean }>;
  /** null = unlimited. */
  setAgentBudget(operatorKey: string, agentId: number, budgetLimitSats: number | null): Promise<AgentBudget>;
  sweepAgent(operatorKey: string, agentId: number): Promise<Sweep>;
  fundAgent(operatorKey: string, agentId: number, amountSats: number): Promise<Funding>;
  deleteAgent(operatorKey: string, agentId: number): Promise<{ returnedSats: number }>;
  getBudgetStatus(operatorKey: string, agentId: number): Promise<BudgetStatus>;
};

/** Checked before anything is sent, so a bad amount never reaches the faucet. */
function requireSats(value: number, field: string, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new FaucetError("invalid_request", `${field} must be a whole number of sats, at least ${min}.`);
  }
}

/**
 * The typed Lightning Faucet client. Every call is sent exactly once: a call that
 * changes state (a rotation) must never be retried behind the user's back, and a
 * read is cheap for the user to repeat, so there is no retry anywhere in here.
 */
export function createFaucetClient({
  transport,
  timeoutMs = DEFAULT_TIMEOUT_MS,
  now = Date.now,
  observe,
}: FaucetClientOptions): FaucetClient {
  async function call<S extends z.ZodType>(
    body: FaucetRequestBody,
    schema: S,
    changesState: boolean,
  ): Promise<z.output<S>> {
    const started = performance.now();
    let outcome = "ok";
    try {
      const reply = await send(body, changesState);
      const parsed = schema.safeParse(reply);
      if (!parsed.success) throw unreadable(changesState);
      return parsed.data;
    } catch (error) {
      outcome = error instanceof FaucetError ? error.kind : "internal";
      throw error;
    } finally {
      observe?.({ action: body.action, outcome, seconds: (performance.now() - started) / 1000 });
    }
  }

  async function send(body: FaucetRequestBody, changesState: boolean): Promise<unknown> {
    const signal = AbortSignal.timeout(timeoutMs);
    let raw;
    try {
      // The race enforces the timeout even on a transport that ignores the signal.
      raw = await abortable(transport(body, signal), signal);
    } catch (error) {
      throw transportFailure(error, signal, changesState);
    }
    if (raw.status < 200 || raw.status > 299) {
      // Clients A–C of the contract never read a non-2xx body; neither do we.
      throw new FaucetError("upstream_unavailable", `The faucet failed (HTTP ${raw.status}). Try again in a moment.`, {
        httpStatus: raw.status,
        mayHaveCommitted: changesState && raw.status >= 500,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.text);
    } catch {
      throw unreadable(changesState);
    }
    const envelope = envelopeSchema.safeParse(json);
    if (!envelope.success) throw unreadable(changesState);
    if (!envelope.data.success) {
      const refusal = refusalSchema.safeParse(json);
      if (!refusal.success) throw unreadable(false);
      throw refusalToError(refusal.data, now());
    }
    return json;
  }

  function transportFailure(error: unknown, signal: AbortSignal, changesState: boolean): FaucetError {
    if (signal.aborted) {
      return new FaucetError("timeout", `The faucet did not answer within ${Math.round(timeoutMs / 1000)} s.`, {
        mayHaveCommitted: changesState,
      });
    }
    const sent = error instanceof TransportError ? error.sent : true;
    return new FaucetError(
      "upstream_unavailable",
      sent
        ? "The connection to the faucet broke before it answered."
        : "The faucet cannot be reached. Check that it is running.",
      { mayHaveCommitted: changesState && sent },
    );
  }

  function unreadable(changesState: boolean): FaucetError {
    return new FaucetError("bad_response", "The faucet sent a reply the console cannot read.", {
      mayHaveCommitted: changesState,
    });
  }

  return {
    whoami: (apiKey) => call({ action: "whoami", api_key: apiKey }, whoamiSchema, false),
    listAgents: (operatorKey) => call({ action: "list_agents", api_key: operatorKey }, listAgentsSchema, false),
    regenerateAgentKey: (operatorKey, agentId) =>
      call({ action: "regenerate_agent_key", api_key: operatorKey, agent_id: agentId }, rotationSchema, true),
    regenerateOperatorKey: (operatorKey) =>
      call({ action: "regenerate_operator_key", api_key: operatorKey }, rotationSchema, true),

    async createAgent(operatorKey, { name, description, budgetLimitSats }) {
      if (budgetLimitSats != null) requireSats(budgetLimitSats, "The budget", 0);
      const body: FaucetRequestBody = { action: "create_agent", api_key: operatorKey, name };
      if (description !== undefined) body.description = description;
      // Unlimited (null or 0) is the faucet's default: the field is left out rather than sent as null.
      if (budgetLimitSats) body.budget_limit_sats = budgetLimitSats;
      const created = await call(body, createdAgentSchema, true);
      return { agentId: created.agentId, apiKey: created.apiKey, name: created.name ?? name };
    },

    async setAgentActive(operatorKey, agentId, isActive) {
      await call(
        { action: "update_agent", api_key: operatorKey, agent_id: agentId, updates: { is_active: isActive } },
        acknowledgedSchema,
        true,
      );
      return { agentId, isActive };
    },

    async setAgentBudget(operatorKey, agentId, budgetLimitSats) {
      if (budgetLimitSats !== null) requireSats(budgetLimitSats, "The budget", 0);
      const limit = budgetLimitSats ? budgetLimitSats : null;
      try {
        // set_budget takes null for unlimited (faucet-api.md §9).
        await call(
          { action: "set_budget", api_key: operatorKey, agent_id: agentId, budget_limit_sats: limit },
          acknowledgedSchema,
          true,
        );
        return { agentId, budgetLimitSats: limit, via: "set_budget" };
      } catch (error) {
        // The one place a confirmation may cost two calls: only when the faucet refused
        // set_budget as an unknown action (an older release), a refusal that certainly
        // changed nothing. Any other failure, a lost reply above all, is passed on as is.
        if (!(error instanceof FaucetError) || error.kind !== "unknown_action") throw error;
      }
      // The real update_agent refused budget_limit_sats: null; 0 means unlimited there too.
      await call(
        { action: "update_agent", api_key: operatorKey, agent_id: agentId, updates: { budget_limit_sats: limit ?? 0 } },
        acknowledgedSchema,
        true,
      );
      return { agentId, budgetLimitSats: limit, via: "update_agent" };
    },

    sweepAgent: (operatorKey, agentId) =>
      // As the public client's "sweep all": sweep wins over the amount on the faucet's side.
      call(
        {
          action: "withdraw_from_agent",
          api_key: operatorKey,
          agent_id: agentId,
          amount_sats: SWEEP_ALL_SATS,
          sweep: true,
        },
        sweepSchema,
        true,
      ),

    async fundAgent(operatorKey, agentId, amountSats) {
      requireSats(amountSats, "The amount", 1);
      return call(
        { action: "fund_agent", api_key: operatorKey, agent_id: agentId, amount_sats: amountSats },
        fundAgentSchema,
        true,
      );
    },

    deleteAgent: (operatorKey, agentId) =>
      call({ action: "delete_agent", api_key: operatorKey, agent_id: agentId }, deleteAgentSchema, true),

    getBudgetStatus: (operatorKey, agentId) =>
      call({ action: "get_budget_status", api_key: operatorKey, agent_id: agentId }, budgetStatusSchema, false),
  };
}
