"use server";

import { z } from "zod";
import { handOffRevealedKey } from "@/lib/handoff/rotation-handoff";
import { revokeHandoff } from "@/lib/handoff/handoffs";
import { failure } from "@/lib/action-result";
import { authenticatedAction } from "@/lib/session/authenticated-action";

const handOffKeySchema = z.strictObject({
  agentId: z.number().int().positive().max(2_147_483_647),
  agentName: z.string().trim().min(1).max(200),
  /** The key this page was just shown; checked against the rotation record before it is sealed. */
  apiKey: z
    .string()
    .min(8)
    .max(256)
    .regex(/^[\x21-\x7e]+$/),
  /** The rotation that produced it; null for a new agent's first key (checked against the create_agent event). */
  attemptId: z.uuid().nullable(),
});

/** "Hand off to agent" in the reveal dialog (a rotation or New agent): seals the key just shown into a hand-off and returns its link's parts once. */
export const handOffKey = authenticatedAction(handOffKeySchema, ({ session, input }) =>
  handOffRevealedKey(session, input),
);

const revokeHandoffSchema = z.strictObject({ id: z.string().regex(/^[A-Za-z0-9_-]{22}$/) });

/** Revokes a waiting hand-off of this operator (the agents page). */
export const revokeHandoffAction = authenticatedAction(revokeHandoffSchema, async ({ session, input }) =>
  (await revokeHandoff(session.operatorId, input.id, session.label))
    ? { ok: true as const, data: { revoked: true } }
    : failure("not_found", "This hand-off is no longer waiting: it was collected, expired, locked or revoked."),
);
