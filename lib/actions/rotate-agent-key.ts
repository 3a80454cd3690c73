"use server";

import { z } from "zod";
import { rotate } from "@/lib/keys/rotate";
import { authenticatedAction } from "@/lib/session/authenticated-action";
import { rotationConfirmationSchema } from "@/lib/keys/rotation-confirmation";

const rotateAgentKeySchema = rotationConfirmationSchema.extend({
  agentId: z.number().int().positive().max(2_147_483_647),
  /** One bulk run's id (incident mode), made by the page; absent for a single rotation. */
  batchId: z.uuid().optional(),
});

/**
 * Rotates one agent's key. The new key goes back in this response and nowhere else:
 * the session keeps the operator's key (never an agent's), and the records keep only
 * the key's fingerprint.
 */
export const rotateAgentKey = authenticatedAction(rotateAgentKeySchema, ({ session, input }) =>
  rotate({ session, subject: { kind: "agent", agentId: input.agentId }, attemptId: input.attemptId, knownRotationAt: input.knownRotationAt, ownAttemptId: input.ownAttemptId, batchId: input.batchId ?? null }),
);
