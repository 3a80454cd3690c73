import { z } from "zod";

/**
 * The inputs of the agent lifecycle actions, shared by the forms (field errors before any
 * request) and the server actions (which parse again: a server action is a public endpoint).
 */
export const AGENT_NAME_MAX = 100;
export const AGENT_DESCRIPTION_MAX = 500;
/** The faucet stores sats as whole numbers; past this a number no longer is one in JavaScript. */
export const SATS_MAX = Number.MAX_SAFE_INTEGER;

export const agentIdSchema = z.number().int().positive().max(2_147_483_647);

/** The form's fields as typed: strings, bounded so a huge body is refused before it is read further. */
export const createAgentFormSchema = z.object({
  name: z.string().max(10_000),
  description: z.string().max(10_000),
  budget: z.string().max(100),
});
export type CreateAgentForm = z.infer<typeof createAgentFormSchema>;

/** A whole number of sats typed into a field: digits only, so "1e3", "1.5" and "-2" are refused by name. */
function satsField(label: string, min: number, emptyMeans: "null" | "required") {
  return z.string().transform((raw, context) => {
    const text = raw.trim();
    if (text === "") {
      if (emptyMeans === "null") return null;
      context.addIssue({ code: "custom", message: `Enter ${label}.` });
      return z.NEVER;
    }
    if (/^-\s*\d/.test(text)) {
      context.addIssue({ code: "custom", message: `${capitalise(label)} cannot be negative.` });
      return z.NEVER;
    }
    if (!/^\d+$/.test(text)) {
      context.addIssue({
        code: "custom",
        message: `${capitalise(label)} must be a whole number of sats (digits only).`,
      });
      return z.NEVER;
    }
    const value = Number(text);
    if (!Number.isSafeInteger(value)) {
      context.addIssue({ code: "custom", message: `${capitalise(label)} is too large.` });
      return z.NEVER;
    }
    if (value < min) {
      context.addIssue({
        code: "custom",
        message: `${capitalise(label)} must be at least ${min} sat${min === 1 ? "" : "s"}.`,
      });
      return z.NEVER;
    }
    return value;
  });
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export const budgetFieldSchema = satsField("the budget", 0, "null");
export const amountFieldSchema = satsField("the amount", 1, "required");

export const createAgentFieldsSchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Enter a name.")
    .max(AGENT_NAME_MAX, `The name can be at most ${AGENT_NAME_MAX} characters.`),
  description: z
    .string()
    .trim()
    .max(AGENT_DESCRIPTION_MAX, `The description can be at most ${AGENT_DESCRIPTION_MAX} characters.`)
    .transform((text) => (text === "" ? undefined : text)),
  // Empty means unlimited; 0 means unlimited too at the faucet, so it is read as such.
  budget: budgetFieldSchema.transform((value) => (value === 0 ? null : value)),
});
export type CreateAgentFields = z.output<typeof createAgentFieldsSchema>;

export type FieldErrors = Record<string, string>;

/** The first message per field, for a form. */
export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? "form");
    errors[field] ??= issue.message;
  }
  return errors;
}

export const setAgentActiveSchema = z.object({
  agentId: agentIdSchema,
  isActive: z.boolean(),
  /** A bulk run's id (incident mode's "Deactivate selected"), issued by POST /api/bulk/runs; it labels the audit events. */
  batchId: z.uuid().optional(),
});
/** null = unlimited. */
export const setAgentBudgetSchema = z.object({
  agentId: agentIdSchema,
  budgetLimitSats: z.number().int().min(0).max(SATS_MAX).nullable(),
});
export const agentOnlySchema = z.object({ agentId: agentIdSchema });
export const fundAgentSchema = z.object({ agentId: agentIdSchema, amountSats: z.number().int().min(1).max(SATS_MAX) });
