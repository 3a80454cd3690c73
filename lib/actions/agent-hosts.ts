"use server";

import { z } from "zod";
import { failure, faucetFailure } from "@/lib/action-result";
import { getFaucetClient, isFaucetError } from "@/lib/faucet";
import { agentListMemo } from "@/lib/faucet/agent-list-memo";
import { createHostEnrolment, disconnectHost } from "@/lib/hosts/hosts";
import { authenticatedAction } from "@/lib/session/authenticated-action";

const connectSchema = z.strictObject({
  agentId: z.number().int().positive().max(2_147_483_647),
  agentName: z.string().trim().min(1).max(200),
});

/**
 * "Connect agent host": a single-use enrolment link's parts, returned once
 * (`<console>/hosts/enrol/<id>#<token>`), for an agent of this operator only (the faucet's list,
 * reused if fetched in the last seconds).
 */
export const connectAgentHost = authenticatedAction(connectSchema, async ({ session, input }) => {
  try {
    const agents = await agentListMemo().get(
      session.operatorId,
      session.operatorKey,
      () => getFaucetClient().listAgents(session.operatorKey),
      { fresh: false },
    );
    if (!agents.some((agent) => agent.id === input.agentId))
      return failure("not_found", "This agent is not in your list any more. Reload the list.");
  } catch (error) {
    if (isFaucetError(error)) return faucetFailure(error);
    throw error;
  }
  return {
    ok: true as const,
    data: await createHostEnrolment({
      operatorId: session.operatorId,
      agentId: input.agentId,
      agentName: input.agentName,
      sessionLabel: session.label,
    }),
  };
});

const disconnectSchema = z.strictObject({ agentId: z.number().int().positive().max(2_147_483_647) });

/** "Disconnect host": the agent's host gets nothing from now on; its waiting envelopes are deleted. */
export const disconnectAgentHost = authenticatedAction(disconnectSchema, async ({ session, input }) =>
  (await disconnectHost(session.operatorId, input.agentId, session.label))
    ? { ok: true as const, data: { disconnected: true } }
    : failure("not_found", "This agent has no connected host."),
);
