import { invoiceAmount } from "../bolt11-amount";
import { randomPaymentHash } from "../keys";
import { MAX_PAYMENT_SATS, paymentParams } from "../params";
import { cooldownRefusal, insufficientBalance, refuse, succeed, type ActionOutcome } from "../refusal";
import { activeCooldown } from "../state";
import { randomBytes } from "node:crypto";
import { defineAgentAction, defineOperatorAction } from "./define";

/**
 * Outgoing Lightning payments. The emulator has no Lightning node: any non-empty
 * invoice "settles" instantly, at the amount in its human-readable part (or, for an
 * invoice without one, the amount_sats sent with it), with zero fees.
 */

/** The sats a payment costs, or the refusal that says why the invoice cannot be paid as sent. */
export function resolvePaymentAmount(invoice: string, amountSats: number | undefined): { sats: number } | ActionOutcome {
  const read = invoiceAmount(invoice);
  if (read.kind === "invalid") return refuse("invalid_request", `invoice cannot be paid: ${read.reason}.`);
  if (read.kind === "none") {
    if (amountSats === undefined) return refuse("invalid_request", "invoice has no amount: send amount_sats with it.");
    return { sats: amountSats };
  }
  if (amountSats !== undefined && amountSats !== read.sats) {
    return refuse("invalid_request", `amount_sats (${amountSats}) does not match the invoice's amount (${read.sats} sats).`);
  }
  if (read.sats > MAX_PAYMENT_SATS) {
    return refuse("invalid_request", `invoice amount of ${read.sats} sats exceeds max_payment_sats (${MAX_PAYMENT_SATS}).`);
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

export const payInvoiceAction = defineAgentAction({
  params: paymentParams,
  mutates: true,
  run({ now, caller: agent, params }) {
    if (!agent.isActive) return refuse("inactive", `Agent ${agent.id} is deactivated and cannot make payments until reactivated.`);
    const cooldown = activeCooldown(agent.cooldownUntil, now);
    if (cooldown !== null) return cooldownRefusal(`Payments by agent ${agent.id}`, cooldown, now);
    const resolved = resolvePaymentAmount(params.invoice, params.amount_sats);
    if (!isResolved(resolved)) return resolved;
    const amount = resolved.sats;
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
