"use server";

import { z } from "zod";
import { getFaucetClient } from "@/lib/faucet";
import { OPERATOR_COOLDOWN_MS } from "@/lib/keys/cooldowns";
import { keyFingerprint } from "@/lib/session/cooldown-codec";
import { withoutExpired } from "@/lib/session/cooldowns";
import { saveSession } from "@/lib/session/session-store";
import { operatorAction } from "./operator-action";
import { runRotation } from "./run-rotation";
import { recordOperatorKey } from "./superseded-operator-keys";


const rotateOperatorKeySchema = z.strictObject({
  seenCooldownUntil: z.number().int().nonnegative().nullable(),
});

/**
 * Rotates the operator's own key and switches the session to it, so the operator stays
 * signed in. The session is the one place the operator key lives; the reveal dialog gets
 * it once so the operator can store it elsewhere.
 */
export const rotateOperatorKey = operatorAction(rotateOperatorKeySchema, async ({ session, input }) => {
  const result = await runRotation({
    operatorId: session.operatorId,
    target: "operator",
    seenCooldownUntil: input.seenCooldownUntil,
    defaultCooldownMs: OPERATOR_COOLDOWN_MS,
    call: () => getFaucetClient().regenerateOperatorKey(session.operatorKey),
  });
  if (!result.ok) return result;
  const { apiKey, cooldownUntil } = result.data;
  recordOperatorKey(session.operatorId, apiKey);
  const now = Date.now();
  const fingerprint = keyFingerprint(apiKey);
  const next = { ...withoutExpired(session, now), operatorKey: apiKey, operatorCooldownUntil: cooldownUntil, operatorKeyFingerprint: fingerprint };
  let saved = await saveSession(next);
  // The old key is dead: the new one must be stored even if agent cooldowns have to go.
  if (!saved.saved) saved = await saveSession({ ...next, agentCooldowns: [] });
  return {
    ok: true,
    data: {
      apiKey,
      cooldownUntil,
      fingerprint,
      serverNow: now,
      sessionWarning: saved.saved ? null : "The new key could not be stored in your session. Sign in again with it.",
    },
  };
});
