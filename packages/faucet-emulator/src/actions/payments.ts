import { invoiceAmount } from "../bolt11-amount";
import { randomPaymentHash } from "../keys";
import { keysendParams, lightningAddressParams, MAX_PAYMENT_SATS, paymentParams } from "../params";
import { cooldownRefusal, insufficientBalance, refuse, succeed, type ActionOutcome } from "../refusal";
import { randomBytes } from "node:crypto";
import { addAgent } from "../seed";
import { activeCooldown, type AgentRecord, type FaucetState, type OperatorRecord } from "../state";
import { defineKeyedAction, defineOperatorAction, findOwnedAgent, type Caller } from "./define";

/**
 * Outgoing Lightning payments. The emulator has no Lightning node: any non-empty
 * invoice "settles" instantly, at the amount in its human-readable part (or, for an
 * invoice without one, the amount_sats sent with it), with zero fees; a keysend or a
 * Lightning address payment settles at the amount sent. An agent key pays from its agent;
 * an operator key pays through the operator's default agent (faucet-api.md §10).
 */

/** The sats a payment costs, or the refusal that says why the invoice cannot be paid as sent. */
export function resolvePaymentAmount(
  invoice: string,
  amountSats: number | undefined,
): { sats: number } | ActionOutcome {
  const read = invoiceAmount(invoice);
  if (read.kind === "invalid") return refuse("invalid_request", `invoice cannot be paid: ${read.reason}.`);
  if (read.kind === "none") {
    if (amountSats === undefined) return refuse("invalid_request", "invoice has no amount: send amount_sats with it.");
    return { sats: amountSats };
  }
  if (amountSats !== undefined && amountSats !== read.sats) {
    return refuse(
      "invalid_request",
      `amount_sats (${amountSats}) does not match the invoice's amount (${read.sats} sats).`,
    );
  }
  if (read.sats > MAX_PAYMENT_SATS) {
    return refuse(
      "invalid_request",
      `invoice amount of ${read.sats} sats exceeds max_payment_sats (${MAX_PAYMENT_SATS}).`,
    );
  }
  return { sats: read.sats };
}

function isResolved(value: { sats: number } | ActionOutcome): value is { sats: number } {
  return "sats" in value;
}

export const withdrawAction = defineOperatorAction({
  params: paymentParams,
  mutates: true,
  run({ now, caller, params }) {
    const cooldown = activeCooldown(caller.cooldownUntil, now);
    if (cooldown !== null) return cooldownRefusal("Operator withdrawals", cooldown, now);
    const resolved = resolvePaymentAmount(params.invoice, params.amount_sats);
    if (!isResolved(resolved)) return resolved;
    const total = resolved.sats;
    if (caller.balanceSats < total) return insufficientBalance("operator", total, caller.balanceSats);
    caller.balanceSats -= total;
    return succeed({
      amount_sats: total,
      routing_fee_sats: 0,
      platform_fee_sats: 0,
      total_cost: total,
      payment_hash: randomPaymentHash(),
      new_balance: caller.balanceSats,
    });
  },
});

/** Whether this agent may pay at all: active, and out of its key's cooldown. */
function agentStatusRefusal(agent: AgentRecord, now: number): ActionOutcome | null {
  if (!agent.isActive)
    return refuse("inactive", `Agent ${agent.id} is deactivated and cannot make payments until reactivated.`);
  const cooldown = activeCooldown(agent.cooldownUntil, now);
  return cooldown === null ? null : cooldownRefusal(`Payments by agent ${agent.id}`, cooldown, now);
}

function budgetRefusal(agent: AgentRecord, amount: number): ActionOutcome | null {
  if (agent.budgetLimitSats === null || agent.totalSpentSats + amount <= agent.budgetLimitSats) return null;
  const remaining = Math.max(0, agent.budgetLimitSats - agent.totalSpentSats);
  return refuse(
    "budget_exceeded",
    `Payment of ${amount} sats exceeds the agent's budget: ${remaining} sats remaining.`,
    {
      budget_limit_sats: agent.budgetLimitSats,
      total_spent_sats: agent.totalSpentSats,
      remaining_sats: remaining,
    },
  );
}

/**
 * Whether this key may pay at all, checked before its parameters are: an agent must be active
 * and out of its cooldown; an operator key rotation pauses its payments too (1.6.0: "payments
 * pause for 60 minutes").
 */
function payerRefusal(caller: Caller, now: number): ActionOutcome | null {
  if (caller.role === "agent") return agentStatusRefusal(caller.agent, now);
  const cooldown = activeCooldown(caller.operator.cooldownUntil, now);
  return cooldown === null ? null : cooldownRefusal("Payments with the operator key", cooldown, now);
}

/** The reply fields every payment carries (fees are 0: nothing is routed). */
function settle(agent: AgentRecord, amount: number): Record<string, unknown> {
  agent.balanceSats -= amount;
  agent.totalSpentSats += amount;
  return {
    amount_sats: amount,
    routing_fee_sats: 0,
    platform_fee_sats: 0,
    total_cost: amount,
    payment_hash: randomPaymentHash(),
  };
}

const DEFAULT_AGENT_NAME = "Default Agent";

/**
 * A payment with an operator key (faucet-api.md §10): paid through the operator's default
 * agent, created (empty, with a key nobody is told; the operator can rotate it) on the first
 * such payment. The operator's balance funds exactly the amount, so nothing is left over to
 * return. Every check runs before anything changes: a refusal leaves the state untouched.
 */
function payAsOperator(state: FaucetState, operator: OperatorRecord, amount: number, now: number): ActionOutcome {
  const existing = operator.defaultAgentId == null ? null : findOwnedAgent(state, operator.id, operator.defaultAgentId);
  if (existing) {
    const refused = agentStatusRefusal(existing, now) ?? budgetRefusal(existing, amount);
    if (refused) return refused;
  }
  if (operator.balanceSats < amount) return insufficientBalance("operator", amount, operator.balanceSats);
  const agent =
    existing ??
    addAgent(state, now, {
      operatorId: operator.id,
      name: DEFAULT_AGENT_NAME,
      description: "Pays for payments made with the operator key",
      budgetLimitSats: null,
    }).agent;
  operator.defaultAgentId = agent.id;
  operator.balanceSats -= amount;
  agent.balanceSats += amount;
  const fields = settle(agent, amount);
  return succeed({
    ...fields,
    new_balance: operator.balanceSats,
    via_agent_id: agent.id,
    default_agent_created: existing === null,
    returned_to_operator_sats: 0,
  });
}

function payAsAgent(agent: AgentRecord, amount: number): ActionOutcome {
  const refused = budgetRefusal(agent, amount);
  if (refused) return refused;
  if (agent.balanceSats < amount) return insufficientBalance("agent", amount, agent.balanceSats);
  const fields = settle(agent, amount);
  return succeed({ ...fields, new_balance: agent.balanceSats });
}

/** Pays `amount` for a caller that passed payerRefusal(). */
function pay(state: FaucetState, caller: Caller, amount: number, now: number): ActionOutcome {
  return caller.role === "operator"
    ? payAsOperator(state, caller.operator, amount, now)
    : payAsAgent(caller.agent, amount);
}

export const payInvoiceAction = defineKeyedAction({
  params: paymentParams,
  mutates: true,
  run({ state, now, caller, params }) {
    const refused = payerRefusal(caller, now);
    if (refused) return refused;
    const resolved = resolvePaymentAmount(params.invoice, params.amount_sats);
    if (!isResolved(resolved)) return resolved;
    return withPreimage(pay(state, caller, resolved.sats, now));
  },
});

/** A spontaneous payment to a node (no invoice): the amount is the one sent. */
export const keysendAction = defineKeyedAction({
  params: keysendParams,
  mutates: true,
  run: ({ state, now, caller, params }) =>
    payerRefusal(caller, now) ?? withPreimage(pay(state, caller, params.amount_sats, now)),
});

/** A payment to name@domain; the service's reply for it carries no preimage (faucet-api.md §3). */
export const payLightningAddressAction = defineKeyedAction({
  params: lightningAddressParams,
  mutates: true,
  run: ({ state, now, caller, params }) => payerRefusal(caller, now) ?? pay(state, caller, params.amount_sats, now),
});

/** Adds the preimage that proves a payment: random, as the emulator settles without a node. */
function withPreimage(outcome: ActionOutcome): ActionOutcome {
  return outcome.ok
    ? { ...outcome, fields: { ...outcome.fields, preimage: randomBytes(32).toString("hex") } }
    : outcome;
}
