"use server";

import { fundAgent as runFundAgent } from "@/lib/agents/agent-changes";
import { fundAgentSchema } from "@/lib/agents/agent-change-schemas";
import { authenticatedAction } from "@/lib/session/authenticated-action";

/** Moves sats from the operator to the agent. */
export const fundAgent = authenticatedAction(fundAgentSchema, ({ session, input }) => runFundAgent(session, input.agentId, input.amountSats));
