"use server";

import { sweepAgent as runSweepAgent } from "@/lib/agents/agent-changes";
import { agentOnlySchema } from "@/lib/agents/agent-change-schemas";
import { authenticatedAction } from "@/lib/session/authenticated-action";

/** Moves the agent's whole balance to the operator. */
export const sweepAgent = authenticatedAction(agentOnlySchema, ({ session, input }) => runSweepAgent(session, input.agentId));
