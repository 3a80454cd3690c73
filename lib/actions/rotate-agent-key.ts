"use server";

import { z } from "zod";
import { changeAction } from "@/lib/changes/change-action";
import { rotationChange } from "@/lib/keys/rotate";
import { rotationConfirmationSchema } from "@/lib/keys/rotation-confirmation";

const rotateAgentKeySchema = rotationConfirmationSchema.extend({
  agentId: z.number().int().positive().max(2_147_483_647),
  /** A bulk run's id: it labels the audit events. Only /api/bulk/rotate-agent-key spends the bulk budget. */
  batchId: z.uuid().optional(),
});

/**
 * Rotates one agent's key. The new key goes back in this response and nowhere else:
 * the session keeps the operator's key (never an agent's), and the records keep only
 * the key's label.
 */
export const rotateAgentKey = changeAction(rotateAgentKeySchema, (input, context) =>
  rotationChange(context, { subject: { kind: "agent", agentId: input.agentId }, attemptId: input.attemptId, knownRotationAt: input.knownRotationAt, ownAttemptId: input.ownAttemptId }),
);
