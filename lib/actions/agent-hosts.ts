"use server";

import { z } from "zod";
import { failure } from "@/lib/action-result";
import { connectHostFor, connectHostSchema } from "@/lib/hosts/connect-host";
import { disconnectHost } from "@/lib/hosts/hosts";
import { authenticatedAction } from "@/lib/session/authenticated-action";

/**
 * "Connect agent host": a single-use enrolment link's parts, returned once
 * (`<console>/hosts/enrol/<id>#<token>`), for an agent of this operator only.
 */
export const connectAgentHost = authenticatedAction(connectHostSchema, ({ session, input }) =>
  connectHostFor(session, input),
);

const disconnectSchema = z.strictObject({ agentId: z.number().int().positive().max(2_147_483_647) });

/** "Disconnect host": the agent's host gets nothing from now on; its waiting envelopes are deleted. */
export const disconnectAgentHost = authenticatedAction(disconnectSchema, async ({ session, input }) =>
  (await disconnectHost(session.operatorId, input.agentId, session.label))
    ? { ok: true as const, data: { disconnected: true } }
    : failure("not_found", "This agent has no connected host."),
);
