"use server";

import { z } from "zod";
import { changeAction } from "@/lib/changes/change-action";
import type { Rotation } from "@/lib/faucet";
import { withHandoff, type RotatedWithHandoff } from "@/lib/handoff/rotation-handoff";
import { withSealedDelivery, type WithDelivery } from "@/lib/hosts/sealed-delivery";
import { rotationChange, type Rotated } from "@/lib/keys/rotate";
import { rotationConfirmationSchema } from "@/lib/keys/rotation-confirmation";

const rotateAgentKeySchema = rotationConfirmationSchema.extend({
  agentId: z.number().int().positive().max(2_147_483_647),
  /** A bulk run's id: it labels the audit events. Only /api/bulk/rotate-agent-key spends the bulk budget. */
  batchId: z.uuid().optional(),
  /** "Hand off without showing me the key": the reply carries a hand-off's link instead of the key (lib/handoff/). */
  handOff: z.strictObject({ agentName: z.string().trim().min(1).max(200) }).optional(),
  /** "Show key anyway": for an agent with a connected host, the reply keeps the key as well (lib/hosts/). */
  showKey: z.boolean().optional(),
});

/**
 * Rotates one agent's key. The new key goes back in this response and nowhere else:
 * the session keeps the operator's key (never an agent's), and the records keep only
 * the key's label.
 */
export const rotateAgentKey = changeAction<
  typeof rotateAgentKeySchema,
  Rotation,
  WithDelivery<Rotated> | WithDelivery<RotatedWithHandoff>
>(rotateAgentKeySchema, (input, context) => {
  const change = rotationChange(context, {
    subject: { kind: "agent", agentId: input.agentId },
    attemptId: input.attemptId,
    knownRotationAt: input.knownRotationAt,
    ownAttemptId: input.ownAttemptId,
  });
  // An agent with a connected host gets every new key sealed to it, whatever else was asked.
  const delivery = {
    session: context.session,
    agentId: input.agentId,
    rotationId: input.attemptId,
    batchId: context.batchId,
    showKey: input.showKey === true,
  };
  return input.handOff
    ? withSealedDelivery(
        withHandoff(change, {
          session: context.session,
          agentId: input.agentId,
          agentName: input.handOff.agentName,
          batchId: context.batchId,
          attemptId: input.attemptId,
        }),
        delivery,
      )
    : withSealedDelivery(change, delivery);
});
