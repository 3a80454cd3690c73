"use server";

import { fundAgentSchema } from "@/lib/agents/agent-change-schemas";
import { changeAction } from "@/lib/changes/change-action";
import { AGENT_CHANGE_LIMIT } from "@/lib/changes/run-change";

/** Moves sats from the operator to the agent. */
export const fundAgent = changeAction(fundAgentSchema, ({ agentId, amountSats }) => ({
  action: "fund_agent",
  target: `agent:${agentId}`,
  limit: AGENT_CHANGE_LIMIT,
  call: (faucet, key) => faucet.fundAgent(key, agentId, amountSats),
  unknownConsequence:
    "The sats may have been sent anyway. Reload the list and check the agent's balance before funding again, or it may be funded twice.",
}));
