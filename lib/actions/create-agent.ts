"use server";

import { createAgent as runCreateAgent } from "@/lib/agents/agent-changes";
import { createAgentFieldsSchema, createAgentFormSchema, fieldErrorsOf } from "@/lib/agents/agent-change-schemas";
import { failure } from "@/lib/results/action-result";
import { authenticatedAction } from "@/lib/session/authenticated-action";

/**
 * Creates an agent. Its first key goes back in this response and nowhere else, like a
 * rotation's. The form's strings are checked here again, field by field, so a bad name or
 * budget gets its own message and never reaches the faucet.
 */
export const createAgent = authenticatedAction(createAgentFormSchema, ({ session, input }) => {
  const fields = createAgentFieldsSchema.safeParse(input);
  if (!fields.success) {
    return Promise.resolve(failure("invalid_input", "Check the highlighted fields.", { fieldErrors: fieldErrorsOf(fields.error) }));
  }
  return runCreateAgent(session, fields.data);
});
