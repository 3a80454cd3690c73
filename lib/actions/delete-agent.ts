"use server";

import { agentOnlySchema } from "@/lib/agents/agent-change-schemas";
import { changeAction } from "@/lib/changes/change-action";
import { AGENT_CHANGE_LIMIT } from "@/lib/changes/run-change";

/** Deletes the agent; the faucet returns its balance to the operator. */
export const deleteAgent = changeAction(agentOnlySchema, ({ agentId }) => ({
  action: "delete_agent",
  target: `agent:${agentId}`,
  limit: AGENT_CHANGE_LIMIT,
  call: (faucet, key) => faucet.deleteAgent(key, agentId),
  unknownConsequence: "The agent may have been deleted anyway. Reload the list to see whether it is still there.",
}));
