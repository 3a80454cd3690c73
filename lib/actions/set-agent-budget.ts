"use server";

import { setAgentBudget as runSetAgentBudget } from "@/lib/agents/agent-changes";
import { setAgentBudgetSchema } from "@/lib/agents/agent-change-schemas";
import { authenticatedAction } from "@/lib/session/authenticated-action";

/** A new spending limit in sats, or null for unlimited. */
export const setAgentBudget = authenticatedAction(setAgentBudgetSchema, ({ session, input }) => runSetAgentBudget(session, input.agentId, input.budgetLimitSats));
