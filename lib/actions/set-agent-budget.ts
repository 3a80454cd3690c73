"use server";

import { setAgentBudgetSchema } from "@/lib/agents/agent-change-schemas";
import { changeAction } from "@/lib/changes/change-action";
import { AGENT_CHANGE_LIMIT } from "@/lib/changes/run-change";

/** A new spending limit in sats, or null for unlimited. */
export const setAgentBudget = changeAction(setAgentBudgetSchema, ({ agentId, budgetLimitSats }) => ({
  action: "set_budget",
  target: `agent:${agentId}`,
  limit: AGENT_CHANGE_LIMIT,
  call: (faucet, key) => faucet.setAgentBudget(key, agentId, budgetLimitSats),
  unknownConsequence:
    "The budget may have changed anyway. Open the agent's details to see its budget before trying again.",
}));
