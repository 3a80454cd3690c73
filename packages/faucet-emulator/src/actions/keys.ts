import { generateAgentKey, generateOperatorKey, hashSecret } from "../keys";
import { agentIdParams, noParams, recoverParams } from "../params";
import { agentNotFound, refuse, type ActionOutcome } from "../refusal";
import type { FaucetState, OperatorRecord } from "../state";
import { FAUCET_AGENT_COOLDOWN_MS, FAUCET_OPERATOR_COOLDOWN_MS } from "../faucet-cooldowns";
import { defineOperatorAction, definePublicAction, findOwnedAgent } from "./define";

/**
 * Key rotation and account recovery. Invariant: the old key's hash leaves the index in
 * the same synchronous step that adds the new one, so there is no instant where both work.
 */

/** Recovery codes are often retyped by hand: case, spaces and dashes do not matter. */
export function normaliseRecoveryCode(code: string): string {
  return code.replace(/[\s-]/g, "").toUpperCase();
}

function issueOperatorKey(
  state: FaucetState,
  operator: OperatorRecord,
  now: number,
): { apiKey: string; cooldownUntil: number } {
  const apiKey = generateOperatorKey();
  state.keyIndex.delete(operator.keyHash);
  operator.keyHash = hashSecret(apiKey);
  state.keyIndex.set(operator.keyHash, { role: "operator", id: operator.id });
  // Never shorten a cooldown that is already running.
  operator.cooldownUntil = Math.max(operator.cooldownUntil ?? 0, now + FAUCET_OPERATOR_COOLDOWN_MS);
  return { apiKey, cooldownUntil: operator.cooldownUntil };
}

export const regenerateOperatorKeyAction = defineOperatorAction({
  params: noParams,
  mutates: true,
  run({ state, now, caller }): ActionOutcome {
    const { apiKey, cooldownUntil } = issueOperatorKey(state, caller, now);
    return {
      ok: true,
      fields: { api_key: apiKey, message: "API key rotated", cooldown_until: new Date(cooldownUntil).toISOString() },
      operatorKeyIssued: { operatorId: caller.id, apiKey },
    };
  },
});

export const recoverAction = definePublicAction({
  params: recoverParams,
  mutates: true,
  run({ state, now, params }): ActionOutcome {
    const operatorId = state.recoveryIndex.get(hashSecret(normaliseRecoveryCode(params.recovery_code)));
    const operator = operatorId === undefined ? undefined : state.operators.get(operatorId);
    if (!operator) return refuse("invalid_key", "Recovery code not recognised.");
    // The recovery code stays valid (the newest client keeps it after recovering).
    const { apiKey, cooldownUntil } = issueOperatorKey(state, operator, now);
    return {
      ok: true,
      fields: { operator_id: operator.id, api_key: apiKey, cooldown_until: new Date(cooldownUntil).toISOString() },
      operatorKeyIssued: { operatorId: operator.id, apiKey },
    };
  },
});

export const regenerateAgentKeyAction = defineOperatorAction({
  params: agentIdParams,
  mutates: true,
  run({ state, now, caller, params }) {
    const agent = findOwnedAgent(state, caller.id, params.agent_id);
    if (!agent) return agentNotFound(params.agent_id);
    const apiKey = generateAgentKey();
    state.keyIndex.delete(agent.keyHash);
    agent.keyHash = hashSecret(apiKey);
    state.keyIndex.set(agent.keyHash, { role: "agent", id: agent.id });
    agent.cooldownUntil = Math.max(agent.cooldownUntil ?? 0, now + FAUCET_AGENT_COOLDOWN_MS);
    return {
      ok: true,
      fields: {
        api_key: apiKey,
        agent_id: agent.id,
        message: "API key rotated",
        cooldown_until: new Date(agent.cooldownUntil).toISOString(),
      },
    };
  },
});
