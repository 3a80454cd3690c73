"use server";

import { z } from "zod";
import { agentListMemo } from "@/lib/agents/agent-list-memo";
import { getFaucetClient } from "@/lib/faucet";
import { AGENT_COOLDOWN_MS } from "@/lib/keys/cooldowns";
import { keyFingerprint } from "@/lib/session/cooldown-codec";
import { withAgentCooldown } from "@/lib/session/cooldowns";
import { saveSession } from "@/lib/session/session-store";
import { operatorAction } from "./operator-action";
import { runRotation } from "./run-rotation";


const rotateAgentKeySchema = z.strictObject({
  agentId: z.number().int().positive().max(2_147_483_647),
  seenCooldownUntil: z.number().int().nonnegative().nullable(),
});

/**
 * Rotates one agent's key. The new key goes back in this response and nowhere else:
 * the session keeps only the cooldown end and the key's last four characters, and it
 * keeps the operator's key: the session must never switch to an agent's key.
 */
export const rotateAgentKey = operatorAction(rotateAgentKeySchema, async ({ session, input }) => {
  let result;
  try {
    result = await runRotation({
      operatorId: session.operatorId,
      target: `agent:${input.agentId}`,
      seenCooldownUntil: input.seenCooldownUntil,
      defaultCooldownMs: AGENT_COOLDOWN_MS,
      call: () => getFaucetClient().regenerateAgentKey(session.operatorKey, input.agentId),
    });
  } finally {
    // Whatever the outcome (an unknown one may have committed, a refusal may mean the agent
    // is gone), the next list comes from the faucet.
    agentListMemo().forget(session.operatorId);
  }
  if (!result.ok) return result;
  const { apiKey, cooldownUntil } = result.data;
  const fingerprint = keyFingerprint(apiKey);
  const now = Date.now();
  const saved = await saveSession(withAgentCooldown(session, { agentId: input.agentId, until: cooldownUntil, fingerprint }, now));
  return {
    ok: true,
    data: {
      apiKey,
      agentId: input.agentId,
      cooldownUntil,
      fingerprint,
      serverNow: now,
      sessionWarning: saved.saved
        ? null
        : "Your session is full, so this cooldown is not shown after a reload. The faucet still enforces it; the cooldowns already stored are kept.",
    },
  };
});
