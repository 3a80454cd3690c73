import { randomPaymentHash } from "../keys";
import { paymentParams } from "../params";
import { cooldownRefusal, insufficientBalance, refuse, succeed } from "../refusal";
import { activeCooldown } from "../state";
import { randomBytes } from "node:crypto";
import { defineAgentAction, defineOperatorAction } from "./define";

/**
 * Outgoing Lightning payments. The emulator has no Lightning node: any non-empty
 * invoice "settles" instantly at the requested amount with zero fees.
 */

export const withdraw = defineOperatorAction({
  params: paymentParams,
  mutates: true,
  run({ now, caller, params }) {
    const cooldown = activeCooldown(caller.cooldownUntil, now);
    if (cooldown !== null) return cooldownRefusal("Operator withdrawals", cooldown, now);
    const total = params.amount_sats;
    if (caller.balanceSats < total) return insufficientBalance("operator", total, caller.balanceSats);
    caller.balanceSats -= total;
    return succeed({
      amount_sats: params.amount_sats,
      routing_fee_sats: 0,
      platform_fee_sats: 0,
      total_cost: total,
      payment_hash: randomPaymentHash(),
      new_balance: caller.balanceSats,
    });
  },
});

export const payInvoice = defineAgentAction({
  params: paymentParams,
  mutates: true,
  run({ now, caller: agent, params }) {
    const amount = params.amount_sats;
    if (!agent.isActive) return refuse("inactive", `Agent ${agent.id} is deactivated and cannot make payments until reactivated.`);
    const cooldown = activeCooldown(agent.cooldownUntil, now);
    if (cooldown !== null) return cooldownRefusal(`Payments by agent ${agent.id}`, cooldown, now);
    if (agent.budgetLimitSats !== null && agent.totalSpentSats + amount > agent.budgetLimitSats) {
      const remaining = Math.max(0, agent.budgetLimitSats - agent.totalSpentSats);
      return refuse("budget_exceeded", `Payment of ${amount} sats exceeds the agent's budget: ${remaining} sats remaining.`, {
        budget_limit_sats: agent.budgetLimitSats,
        total_spent_sats: agent.totalSpentSats,
        remaining_sats: remaining,
      });
    }
    if (agent.balanceSats < amount) return insufficientBalance("agent", amount, agent.balanceSats);
    agent.balanceSats -= amount;
    agent.totalSpentSats += amount;
    return succeed({
      amount_sats: amount,
      routing_fee_sats: 0,
      platform_fee_sats: 0,
      total_cost: amount,
      payment_hash: randomPaymentHash(),
      preimage: randomBytes(32).toString("hex"),
      new_balance: agent.balanceSats,
    });
  },
});
