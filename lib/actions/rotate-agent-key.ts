"use server";

import { z } from "zod";
import { changeAction } from "@/lib/changes/change-action";
import type { Rotation } from "@/lib/faucet";
import { withHandoff, type RotatedWithHandoff } from "@/lib/handoff/rotation-handoff";
import { rotationChange, type Rotated } from "@/lib/keys/rotate";
import { rotationConfirmationSchema } from "@/lib/keys/rotation-confirmation";

const rotateAgentKeySchema = rotationConfirmationSchema.extend({
  agentId: z.number().int().positive().max(2_147_483_647),
  /** A bulk run's id: it labels the audit events. Only /api/bulk/rotate-agent-key spends the bulk budget. */
  batchId: z.uuid().optional(),
  /** "Hand off without showing me the key": the reply carries a hand-off's link instead of the key (lib/handoff/). */
  handOff: z.strictObject({ agentName: z.string().trim().min(1).max(200) }).optional(),
});

/**
 * Rotates one agent's key. The new key goes back in this response and nowhere else:
 * the session keeps the operator's key (never an agent's), and the records keep only
 * the key's label.
 */
export const rotateAgentKey = changeAction<typeof rotateAgentKeySchema, Rotation, Rotated | RotatedWithHandoff>(
  rotateAgentKeySchema,
  (input, context) => {
    const change = rotationChange(context, {
      subject: { kind: "agent", agentId: input.agentId },
      attemptId: input.attemptId,
      knownRotationAt: input.knownRotationAt,
      ownAttemptId: input.ownAttemptId,
    });
    return input.handOff
      ? withHandoff(change, {
          session: context.session,
          agentId: input.agentId,
          agentName: input.handOff.agentName,
          batchId: context.batchId,
          attemptId: input.attemptId,
        })
      : change;
  },
);
