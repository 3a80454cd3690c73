import { z } from "zod";

/**
 * zod schemas for the faucet's replies. The contract (shared/faucet-api.md) lists
 * alternative field names for several values; each schema accepts all of them and
 * normalises to one camelCase shape, so nothing past this file knows about aliases.
 */

const isoOrNull = z.string().nullish();
const satoshis = z.number().int().nonnegative();
const agentId = z.number().int().positive();

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
  })
  .transform((agent) => ({
    id: agent.id,
    name: agent.name,
    balanceSats: agent.balance_sats ?? agent.balance ?? 0,
    isActive: agent.is_active,
    cooldownUntil: parseInstant(agent.cooldown_until),
  }));
export type FaucetAgent = z.output<typeof agentSchema>;

export const listAgentsSchema = z
  .looseObject({ agents: z.array(agentSchema) })
  .transform((reply) => reply.agents);

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
