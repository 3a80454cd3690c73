import { z } from "zod";

/** What every rotation confirmation carries besides its target (see rotation-attempts.ts for the rules). */
export const rotationConfirmationSchema = z.strictObject({
  /**
   * Made by the page for each confirmation it sends. The page knows it even when the reply
   * is lost, so its "Rotate again" can name this attempt as its own.
   */
  attemptId: z.uuid(),
  /** Commit time of the last rotation of the target that the page knew of, epoch ms. */
  knownRotationAt: z.number().int().nonnegative().max(8.64e15).nullable(),
  /** After "outcome unknown": the page's earlier attempt, which got no usable answer. */
  ownAttemptId: z.uuid().nullable(),
});
