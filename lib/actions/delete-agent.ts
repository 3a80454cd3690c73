"use server";

import { agentOnlySchema } from "@/lib/agents/agent-change-schemas";
import { changeAction } from "@/lib/changes/change-action";

/** Deletes the agent; the faucet returns its balance to the operator. */
export const deleteAgent = changeAction(agentOnlySchema, ({ agentId }) => ({
  action: "delete_agent",
  target: `agent:${agentId}`,
  limit: { name: "agent-changes", tooMany: "Too many agent changes in a minute." },
  call: (faucet, key) => faucet.deleteAgent(key, agentId),
  unknownConsequence: "The agent may have been deleted anyway. Reload the list to see whether it is still there.",
}));
