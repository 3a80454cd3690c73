"use server";

import { setAgentActiveSchema } from "@/lib/agents/agent-change-schemas";
import { changeAction } from "@/lib/changes/change-action";
import { AGENT_CHANGE_LIMIT } from "@/lib/changes/run-change";

/** The kill switch: an inactive agent's key stops paying at once; its balance stays. */
export const setAgentActive = changeAction(setAgentActiveSchema, ({ agentId, isActive }) => ({
  action: isActive ? "reactivate_agent" : "deactivate_agent",
  target: `agent:${agentId}`,
  limit: AGENT_CHANGE_LIMIT,
  call: (faucet, key) => faucet.setAgentActive(key, agentId, isActive),
  unknownConsequence: isActive
    ? "The agent may have been reactivated anyway. Reload the list to see its state before trying again."
    : "The agent may not have been deactivated: its key may still pay. Reload the list to see its state, and deactivate again if it is still active.",
}));
