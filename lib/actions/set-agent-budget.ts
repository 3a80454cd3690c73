"use server";

import { setAgentBudgetSchema } from "@/lib/agents/agent-change-schemas";
import { changeAction } from "@/lib/changes/change-action";

/** A new spending limit in sats, or null for unlimited. */
export const setAgentBudget = changeAction(setAgentBudgetSchema, ({ agentId, budgetLimitSats }) => ({
  action: "set_budget",
  target: `agent:${agentId}`,
  limit: { name: "agent-changes", tooMany: "Too many agent changes in a minute." },
  call: (faucet, key) => faucet.setAgentBudget(key, agentId, budgetLimitSats),
  unknownConsequence: "The budget may have changed anyway. Open the agent's details to see its budget before trying again.",
}));
