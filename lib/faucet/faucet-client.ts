import type { z } from "zod";
import { abortable } from "./abortable";
import { FaucetError } from "./faucet-error";
import { refusalToError } from "./refusal-to-error";
import {
  envelopeSchema,
  listAgentsSchema,
  refusalSchema,
  rotationSchema,
  whoamiSchema,
  type FaucetAgent,
  type Rotation,
  type WhoAmI,
} from "./schemas";
import { TransportError, type FaucetRequestBody, type FaucetTransport } from "./transport";

export const DEFAULT_TIMEOUT_MS = 10_000;

export type FaucetClientOptions = {
  transport: FaucetTransport;
  timeoutMs?: number;
  now?: () => number;
};

export type FaucetClient = {
  whoami(apiKey: string): Promise<WhoAmI>;
  listAgents(operatorKey: string): Promise<FaucetAgent[]>;
  regenerateAgentKey(operatorKey: string, agentId: number): Promise<Rotation>;
  regenerateOperatorKey(operatorKey: string): Promise<Rotation>;
};

/**
 * The typed Lightning Faucet client. Every call is sent exactly once: a call that
 * changes state (a rotation) must never be retried behind the user's back, and a
 * read is cheap for the user to repeat, so there is no retry anywhere in here.
 */
export function createFaucetClient({ transport, timeoutMs = DEFAULT_TIMEOUT_MS, now = Date.now }: FaucetClientOptions): FaucetClient {
  async function call<S extends z.ZodType>(body: FaucetRequestBody, schema: S, changesState: boolean): Promise<z.output<S>> {
    const reply = await send(body, changesState);
    const parsed = schema.safeParse(reply);
    if (!parsed.success) throw unreadable(changesState);
    return parsed.data;
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
      sent ? "The connection to the faucet broke before it answered." : "The faucet cannot be reached. Check that it is running.",
      { mayHaveCommitted: changesState && sent },
    );
  }

  function unreadable(changesState: boolean): FaucetError {
    return new FaucetError("bad_response", "The faucet sent a reply the console cannot read.", { mayHaveCommitted: changesState });
  }

  return {
    whoami: (apiKey) => call({ action: "whoami", api_key: apiKey }, whoamiSchema, false),
    listAgents: (operatorKey) => call({ action: "list_agents", api_key: operatorKey }, listAgentsSchema, false),
    regenerateAgentKey: (operatorKey, agentId) =>
      call({ action: "regenerate_agent_key", api_key: operatorKey, agent_id: agentId }, rotationSchema, true),
    regenerateOperatorKey: (operatorKey) => call({ action: "regenerate_operator_key", api_key: operatorKey }, rotationSchema, true),
  };
}
