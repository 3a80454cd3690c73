import { z } from "zod";
import { STATE_FORMAT, type PersistedState } from "./state";

/**
 * Validates the state file on load. A file that parses as JSON but has the wrong shape
 * is as corrupt as one that does not parse: starting on it would serve wrong balances.
 */

const count = z.int().min(0);
const id = z.int().min(1);
const instant = z.int().min(0);
const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);

const operatorSchema = z.object({
  id,
  name: z.string(),
  email: z.string().nullable(),
  balanceSats: count,
  keyHash: sha256Hex,
  recoveryHash: sha256Hex,
  cooldownUntil: instant.nullable(),
  createdAt: instant,
  defaultAgentId: id.nullable().optional(),
});

const agentSchema = z.object({
  id,
  operatorId: id,
  name: z.string(),
  description: z.string().nullable(),
  balanceSats: count,
  budgetLimitSats: count.nullable(),
  totalSpentSats: count,
  isActive: z.boolean(),
  keyHash: sha256Hex,
  cooldownUntil: instant.nullable(),
  createdAt: instant,
});

export const persistedStateSchema: z.ZodType<PersistedState> = z.object({
  format: z.literal(STATE_FORMAT),
  nextOperatorId: id,
  nextAgentId: id,
  demoOperatorId: id.nullable(),
  operators: z.array(operatorSchema),
  agents: z.array(agentSchema),
});
