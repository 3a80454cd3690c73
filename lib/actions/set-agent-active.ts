"use server";

import { setAgentActive as runSetAgentActive } from "@/lib/agents/agent-changes";
import { setAgentActiveSchema } from "@/lib/agents/agent-change-schemas";
import { authenticatedAction } from "@/lib/session/authenticated-action";

/** The kill switch: an inactive agent's key stops paying at once; its balance stays. */
export const setAgentActive = authenticatedAction(setAgentActiveSchema, ({ session, input }) => runSetAgentActive(session, input.agentId, input.isActive, input.batchId ?? null));
