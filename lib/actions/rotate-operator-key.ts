"use server";

import { changeAction } from "@/lib/changes/change-action";
import { rotationChange } from "@/lib/keys/rotate";
import { rotationConfirmationSchema } from "@/lib/keys/rotation-confirmation";

/**
 * Rotates the operator's own key. This browser gets a new session (new id, new per-session
 * key) on the new key, so the operator stays signed in; every earlier session of the operator,
 * and every copy of this browser's old cookie, ends. The reveal dialog gets the key once so the
 * operator can store it elsewhere.
 */
export const rotateOperatorKey = changeAction(rotationConfirmationSchema, (input, context) =>
  rotationChange(context, {
    subject: { kind: "operator" },
    attemptId: input.attemptId,
    knownRotationAt: input.knownRotationAt,
    ownAttemptId: input.ownAttemptId,
  }),
);
