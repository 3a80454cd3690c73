"use server";

import { rotate } from "@/lib/keys/rotate";
import { rotationConfirmationSchema } from "@/lib/keys/rotation-confirmation";
import { authenticatedAction } from "@/lib/session/authenticated-action";

/**
 * Rotates the operator's own key. This session switches to the new key, so the operator
 * stays signed in; every other session of the operator ends. The reveal dialog gets the
 * key once so the operator can store it elsewhere.
 */
export const rotateOperatorKey = authenticatedAction(rotationConfirmationSchema, ({ session, input }) =>
  rotate({ session, subject: { kind: "operator" }, attemptId: input.attemptId, knownRotationAt: input.knownRotationAt, ownAttemptId: input.ownAttemptId }),
);
