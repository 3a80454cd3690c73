"use server";

import { deleteAgent as runDeleteAgent } from "@/lib/agents/agent-changes";
import { agentOnlySchema } from "@/lib/agents/agent-change-schemas";
import { authenticatedAction } from "@/lib/session/authenticated-action";

/** Deletes the agent; the faucet returns its balance to the operator. */
export const deleteAgent = authenticatedAction(agentOnlySchema, ({ session, input }) => runDeleteAgent(session, input.agentId));
