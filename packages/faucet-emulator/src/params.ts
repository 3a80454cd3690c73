import { z } from "zod";

/**
 * Parameter schemas, one per action. Params arrive flat beside `action` and `api_key`
 * (the contract has no params object), so schemas are non-strict at the top level and
 * ignore those two. Every message names the offending field, because the caller is
 * often an AI agent that has to fix its own request from the error text alone.
 */

export const MAX_PAYMENT_SATS = 100_000;
export const MIN_PAYMENT_SATS = 1;

type IssueLike = { input?: unknown; code?: string; keys?: string[] };

function describe(field: string, expectation: string) {
  return {
    error: (issue: IssueLike) => {
      if (issue.code === "unrecognized_keys" && issue.keys) {
        return `${field} has unknown field(s) ${issue.keys.join(", ")}`;
      }
      return issue.input === undefined ? `${field} is required` : `${field} must be ${expectation}`;
    },
  };
}

function wholeNumber(field: string, min: number, max: number, unit = "") {
  const range = max === Number.MAX_SAFE_INTEGER ? `, at least ${min}` : ` from ${min} to ${max}`;
  const message = describe(field, `a whole number${unit}${range}`);
  return z.int(message).min(min, message).max(max, message);
}

function sats(field: string, min = 0, max = Number.MAX_SAFE_INTEGER) {
  return wholeNumber(field, min, max, " of sats");
}

function text(field: string, min: number, max: number) {
  const message = describe(field, `a string of ${min} to ${max} characters`);
  return z.string(message).trim().min(min, message).max(max, message);
}

const agentId = wholeNumber("agent_id", 1, Number.MAX_SAFE_INTEGER);
const budgetLimit = sats("budget_limit_sats").nullable();
// The real update_agent refused budget_limit_sats: null (faucet-api.md §9); 0 means unlimited there.
const updateBudgetLimit = z
  .unknown()
  .refine((value) => value !== null, {
    error: "updates.budget_limit_sats must not be null: send 0 for unlimited, or use set_budget",
  })
  .pipe(sats("updates.budget_limit_sats"));

export const registerParams = z.object({
  name: text("name", 1, 100).default("AI Agent Operator"),
  email: text("email", 3, 254).nullish(),
});

export const recoverParams = z.object({ recovery_code: text("recovery_code", 1, 128) });

export const listAgentsParams = z.object({
  // Extension: the contract lists every agent at once; these let a client page through 10,000.
  limit: wholeNumber("limit", 1, 10_000).optional(),
  offset: wholeNumber("offset", 0, Number.MAX_SAFE_INTEGER).optional(),
});

export const createAgentParams = z.object({
  name: text("name", 1, 100),
  description: text("description", 0, 500).nullish(),
  budget_limit_sats: budgetLimit.optional(),
});

export const agentIdParams = z.object({ agent_id: agentId });

export const optionalAgentIdParams = z.object({ agent_id: agentId.optional() });

export const updateAgentParams = z.object({
  agent_id: agentId,
  updates: z
    .strictObject(
      {
        is_active: z.boolean(describe("updates.is_active", "true or false")).optional(),
        budget_limit_sats: updateBudgetLimit.optional(),
      },
      describe("updates", "an object with is_active and/or budget_limit_sats"),
    )
    .refine((u) => u.is_active !== undefined || u.budget_limit_sats !== undefined, {
      error: "updates must contain is_active and/or budget_limit_sats",
    }),
});

export const setBudgetParams = z.object({
  agent_id: agentId,
  // Required, but null is a value here: null or 0 = unlimited (faucet-api.md §9).
  budget_limit_sats: z
    .unknown()
    .refine((value) => value !== undefined, { error: "budget_limit_sats is required (null or 0 = unlimited)" })
    .pipe(budgetLimit),
});

export const transferBetweenAgentsParams = z
  .object({
    from_agent_id: wholeNumber("from_agent_id", 1, Number.MAX_SAFE_INTEGER),
    to_agent_id: wholeNumber("to_agent_id", 1, Number.MAX_SAFE_INTEGER),
    amount_sats: sats("amount_sats", 1),
  })
  .refine((p) => p.from_agent_id !== p.to_agent_id, {
    error: "from_agent_id and to_agent_id must be different agents",
  });

export const fundAgentParams = z.object({ agent_id: agentId, amount_sats: sats("amount_sats", 1) });

export const withdrawFromAgentParams = z
  .object({
    agent_id: agentId,
    amount_sats: sats("amount_sats", 1).optional(),
    sweep: z.boolean(describe("sweep", "true or false")).optional(),
  })
  .refine((p) => p.amount_sats !== undefined || p.sweep === true, {
    error: "amount_sats is required unless sweep is true",
  });

export const paymentParams = z.object({
  invoice: text("invoice", 1, 4096),
  // Only needed for an invoice without an amount; see resolvePaymentAmount.
  amount_sats: sats("amount_sats", MIN_PAYMENT_SATS, MAX_PAYMENT_SATS).optional(),
});

export const noParams = z.object({});

export type ParamsResult<T> = { ok: true; data: T } | { ok: false; message: string };

export function parseParams<T>(schema: z.ZodType<T>, body: Record<string, unknown>): ParamsResult<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, data: parsed.data };
  const messages = [...new Set(parsed.error.issues.map((issue) => issue.message))];
  return { ok: false, message: messages.slice(0, 3).join("; ") };
}

// A node's public key: 33 bytes, compressed (02 or 03, then the x coordinate), in hex.
const nodePublicKeyMessage = describe("destination", "a node public key: 66 hex characters starting 02 or 03");
const nodePublicKey = z
  .string(nodePublicKeyMessage)
  .trim()
  .toLowerCase()
  .regex(/^0[23][0-9a-f]{64}$/, nodePublicKeyMessage);

export const keysendParams = z.object({
  destination: nodePublicKey,
  amount_sats: sats("amount_sats", MIN_PAYMENT_SATS, MAX_PAYMENT_SATS),
  message: text("message", 0, 1024).optional(),
});

export const lightningAddressParams = z.object({
  address: text("address", 3, 320).regex(
    /^[a-z0-9._+-]+@[a-z0-9.-]+\.[a-z]{2,}$/i,
    describe("address", "a Lightning address such as name@example.com"),
  ),
  amount_sats: sats("amount_sats", MIN_PAYMENT_SATS, MAX_PAYMENT_SATS),
  comment: text("comment", 0, 640).optional(),
});
