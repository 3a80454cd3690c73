import { generateOperatorKey, generateRecoveryCode, hashSecret } from "../keys";
import { MAX_PAYMENT_SATS, MIN_PAYMENT_SATS, noParams, registerParams } from "../params";
import { succeed } from "../refusal";
import { activeCooldown, isoOrNull, type OperatorRecord } from "../state";
import { defineKeyedAction, definePublicAction, type ActionDefinition } from "./define";

/**
 * Emulator-only: the real faucet starts new operators at 0 and expects a Lightning
 * deposit, which the emulator does not model. A small starting balance lets a freshly
 * registered operator fund an agent straight away.
 */
export const NEW_OPERATOR_BALANCE_SATS = 10_000;

export const EMULATOR_VERSION = "1.0.0-emulator";

export const registerAction = definePublicAction({
  params: registerParams,
  mutates: true,
  run({ state, now, params }) {
    const apiKey = generateOperatorKey();
    const recoveryCode = generateRecoveryCode();
    const operator: OperatorRecord = {
      id: state.nextOperatorId++,
      name: params.name,
      email: params.email ?? null,
      balanceSats: NEW_OPERATOR_BALANCE_SATS,
      keyHash: hashSecret(apiKey),
      recoveryHash: hashSecret(recoveryCode),
      cooldownUntil: null,
      createdAt: now,
    };
    state.operators.set(operator.id, operator);
    state.keyIndex.set(operator.keyHash, { role: "operator", id: operator.id });
    state.recoveryIndex.set(operator.recoveryHash, operator.id);
    return succeed({ operator_id: operator.id, api_key: apiKey, recovery_code: recoveryCode });
  },
});

export const whoamiAction = defineKeyedAction({
  params: noParams,
  mutates: false,
  run({ state, now, caller }) {
    if (caller.role === "operator") {
      const operator = caller.operator;
      let agentCount = 0;
      for (const agent of state.agents.values()) if (agent.operatorId === operator.id) agentCount++;
      return succeed({
        type: "operator",
        id: operator.id,
        name: operator.name,
        balance_sats: operator.balanceSats,
        agent_count: agentCount,
        cooldown_until: isoOrNull(activeCooldown(operator.cooldownUntil, now)),
      });
    }
    const agent = caller.agent;
    return succeed({
      type: "agent",
      id: agent.id,
      name: agent.name,
      balance_sats: agent.balanceSats,
      budget_limit_sats: agent.budgetLimitSats,
      operator_id: agent.operatorId,
      is_active: agent.isActive,
      cooldown_until: isoOrNull(activeCooldown(agent.cooldownUntil, now)),
    });
  },
});

export const getBalanceAction = defineKeyedAction({
  params: noParams,
  mutates: false,
  run: ({ caller }) =>
    succeed({ balance_sats: caller.role === "operator" ? caller.operator.balanceSats : caller.agent.balanceSats }),
});

/**
 * Feature names as the real service answers them (faucet-api.md §9), each with an action that
 * exercises it. Only what this emulator implements (§10: a client may rely on the list):
 * `l402` (l402_pay fetches a paid URL, which the emulator cannot) and `webhooks` (delivery
 * to outside URLs) are not listed. The actions it speaks are in `supported_actions` (an extension).
 */
export const FEATURE_ACTIONS = { agents: "create_agent", keysend: "keysend" } as const;

export function getInfoAction(supportedActions: readonly string[]): ActionDefinition {
  return definePublicAction({
    params: noParams,
    mutates: false,
    run: () =>
      succeed({
        version: EMULATOR_VERSION,
        api_version: "1.0",
        status: "operational",
        max_payment_sats: MAX_PAYMENT_SATS,
        min_payment_sats: MIN_PAYMENT_SATS,
        supported_features: Object.keys(FEATURE_ACTIONS),
        supported_actions: [...supportedActions].sort(),
      }),
  });
}

export const getRateLimitsAction = defineKeyedAction({
  params: noParams,
  mutates: false,
  run({ rateLimit, now }) {
    // The dispatcher always measures keyed calls; the fallback mirrors the client's own defaults.
    const info = rateLimit ?? { limit: 60, remaining: 60, resetAt: now + 60_000 };
    return succeed({
      requests_per_minute: info.limit,
      requests_remaining: info.remaining,
      reset_at: new Date(info.resetAt).toISOString(),
    });
  },
});
