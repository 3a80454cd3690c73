import { z } from "zod";

/**
 * zod schemas for the faucet's replies. The contract (shared/faucet-api.md) lists
 * alternative field names for several values; each schema accepts all of them and
 * normalises to one camelCase shape, so nothing past this file knows about aliases.
 */

const isoOrNull = z.string().nullish();
const satoshis = z.number().int().nonnegative();
const agentId = z.number().int().positive();

/** The contract sends "no budget" as null or 0 (faucet-api.md §7): both read as null, unlimited. */
const budgetLimit = satoshis.nullish().transform((limit) => (limit ? limit : null));

/** ISO-8601 → epoch ms; unparseable or missing → null (a display aid, never trusted blindly). */
export function parseInstant(value: string | null | undefined): number | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : null;
}

export const envelopeSchema = z.looseObject({ success: z.boolean() });

export const refusalSchema = z.looseObject({
  success: z.literal(false),
  error: z.string().optional(),
  error_code: z.string().optional(),
  cooldown_until: isoOrNull,
  seconds_remaining: z.number().nonnegative().optional(),
  retry_after: z.number().nonnegative().optional(),
});
export type Refusal = z.infer<typeof refusalSchema>;

export const whoamiSchema = z
  .looseObject({
    // Before the newest client a missing type meant "agent" (faucet-api.md §2).
    type: z.enum(["operator", "agent"]).default("agent"),
    id: z.number().int(),
    name: z.string(),
    balance_sats: satoshis.optional(),
    balance: satoshis.optional(),
    cooldown_until: isoOrNull,
  })
  .transform((reply) => ({
    type: reply.type,
    id: reply.id,
    name: reply.name,
    balanceSats: reply.balance_sats ?? reply.balance ?? 0,
    cooldownUntil: parseInstant(reply.cooldown_until),
  }));
export type WhoAmI = z.output<typeof whoamiSchema>;

// A strict-shaped object, not a loose one: unknown fields are dropped, which is also
// measurably cheaper when a list holds 10,000 agents.
const agentSchema = z
  .object({
    id: agentId,
    name: z.string(),
    balance_sats: satoshis.optional(),
    balance: satoshis.optional(),
    is_active: z.boolean().default(true),
    // Not in the public contract: our faucet adds it, the real one may not.
    cooldown_until: isoOrNull,
    // In the contract's row only created_at (optional); budget and description are ours. All may be absent.
    budget_limit_sats: satoshis.nullish(),
    // Display aids only: a value of an unexpected type reads as absent rather than failing
    // the whole list (checked in the transform: cheaper than .catch over 10,000 rows).
    created_at: z.unknown().optional(),
    description: z.unknown().optional(),
  })
  .transform((agent) => ({
    id: agent.id,
    name: agent.name,
    balanceSats: agent.balance_sats ?? agent.balance ?? 0,
    isActive: agent.is_active,
    cooldownUntil: parseInstant(agent.cooldown_until),
    budgetLimitSats: agent.budget_limit_sats ? agent.budget_limit_sats : null,
    // Absent is not "unlimited": the console flags "No budget limit" only when the faucet said so.
    budgetLimitKnown: agent.budget_limit_sats !== undefined,
    createdAt: typeof agent.created_at === "string" ? parseInstant(agent.created_at) : null,
    description: typeof agent.description === "string" && agent.description !== "" ? agent.description : null,
  }));
export type FaucetAgent = z.output<typeof agentSchema>;

export const listAgentsSchema = z.looseObject({ agents: z.array(agentSchema) }).transform((reply) => reply.agents);

export const rotationSchema = z
  .looseObject({
    api_key: z.string().min(1).optional(),
    new_api_key: z.string().min(1).optional(),
    cooldown_until: isoOrNull,
  })
  .transform((reply) => ({
    // Null is the worst case the console must handle: the faucet says it rotated, but sent no key.
    apiKey: reply.api_key ?? reply.new_api_key ?? null,
    cooldownUntil: parseInstant(reply.cooldown_until),
  }));
export type Rotation = z.output<typeof rotationSchema>;

export const createdAgentSchema = z
  .looseObject({
    agent_id: agentId,
    // The backend sends api_key, the CLI reads agent_api_key (faucet-api.md §3/§4).
    api_key: z.string().min(1).optional(),
    agent_api_key: z.string().min(1).optional(),
    name: z.string().optional(),
  })
  .transform((reply) => ({
    agentId: reply.agent_id,
    // Null, like a rotation's: the agent exists but its only copy of the key was not sent.
    apiKey: reply.api_key ?? reply.agent_api_key ?? null,
    name: reply.name ?? null,
  }));

/** update_agent and set_budget answer only a message (or nothing): success is all there is to read. */
export const acknowledgedSchema = z.looseObject({ success: z.literal(true) });

export const fundAgentSchema = z
  .looseObject({
    agent_balance: satoshis.optional(),
    new_agent_balance: satoshis.optional(),
    operator_balance: satoshis.optional(),
    new_operator_balance: satoshis.optional(),
  })
  .refine((reply) => reply.agent_balance !== undefined || reply.new_agent_balance !== undefined)
  .transform((reply) => ({
    agentBalanceSats: reply.agent_balance ?? reply.new_agent_balance ?? 0,
    operatorBalanceSats: reply.operator_balance ?? reply.new_operator_balance ?? null,
  }));

export const sweepSchema = z
  .looseObject({
    amount_transferred: satoshis.optional(),
    transferred: satoshis.optional(),
    new_agent_balance: satoshis.optional(),
    agent_balance: satoshis.optional(),
    new_operator_balance: satoshis.optional(),
    operator_balance: satoshis.optional(),
  })
  .refine((reply) => reply.amount_transferred !== undefined || reply.transferred !== undefined)
  .transform((reply) => ({
    movedSats: reply.amount_transferred ?? reply.transferred ?? 0,
    // A sweep empties the agent; a reply that omits the new balance means 0.
    agentBalanceSats: reply.new_agent_balance ?? reply.agent_balance ?? 0,
    operatorBalanceSats: reply.new_operator_balance ?? reply.operator_balance ?? null,
  }));

export const deleteAgentSchema = z
  .looseObject({
    balance_returned: satoshis.optional(),
    returned_to_operator_sats: satoshis.optional(),
  })
  // No amount is not read as 0: the console must not claim nothing was returned when it does not know.
  .refine((reply) => reply.balance_returned !== undefined || reply.returned_to_operator_sats !== undefined)
  .transform((reply) => ({ returnedSats: reply.balance_returned ?? reply.returned_to_operator_sats ?? 0 }));

export const budgetStatusSchema = z
  .looseObject({
    budget_limit_sats: budgetLimit,
    total_spent_sats: satoshis.optional(),
    total_spent: satoshis.optional(),
    remaining_sats: satoshis.nullish(),
  })
  .refine((reply) => reply.total_spent_sats !== undefined || reply.total_spent !== undefined)
  .transform((reply) => {
    const budgetLimitSats = reply.budget_limit_sats ?? null;
    const spentSats = reply.total_spent_sats ?? reply.total_spent ?? 0;
    const computed = budgetLimitSats === null ? null : Math.max(0, budgetLimitSats - spentSats);
    return {
      budgetLimitSats,
      spentSats,
      remainingSats: budgetLimitSats === null ? null : (reply.remaining_sats ?? computed),
    };
  });
export type BudgetStatus = z.output<typeof budgetStatusSchema>;
