import { fundAgentParams, transferBetweenAgentsParams, withdrawFromAgentParams } from "../params";
import { agentNotFound, cooldownRefusal, insufficientBalance, succeed } from "../refusal";
import { activeCooldown } from "../state";
import { defineOperatorAction, findOwnedAgent } from "./define";

/** Moves between an operator and its own agents; sats never leave the faucet here. */

export const fundAgentAction = defineOperatorAction({
  params: fundAgentParams,
  mutates: true,
  run({ state, caller, params }) {
    const agent = findOwnedAgent(state, caller.id, params.agent_id);
    if (!agent) return agentNotFound(params.agent_id);
    // Funding stays allowed during any cooldown and for inactive agents: incoming sats are never the risk.
    if (caller.balanceSats < params.amount_sats)
      return insufficientBalance("operator", params.amount_sats, caller.balanceSats);
    caller.balanceSats -= params.amount_sats;
    agent.balanceSats += params.amount_sats;
    return succeed({
      operator_balance: caller.balanceSats,
      agent_balance: agent.balanceSats,
      amount_transferred: params.amount_sats,
    });
  },
});

export const withdrawFromAgentAction = defineOperatorAction({
  params: withdrawFromAgentParams,
  mutates: true,
  run({ state, now, caller, params }) {
    const agent = findOwnedAgent(state, caller.id, params.agent_id);
    if (!agent) return agentNotFound(params.agent_id);
    // Cooldown before balance, so a refusal during a cooldown always says why.
    const cooldown = activeCooldown(agent.cooldownUntil, now);
    if (cooldown !== null) return cooldownRefusal(`Withdrawals from agent ${agent.id}`, cooldown, now);
    // sweep moves the whole balance whatever amount_sats says: the public client's
    // "sweep all" sends amount_sats 999999999 with sweep true.
    const amount = params.sweep === true ? agent.balanceSats : (params.amount_sats ?? agent.balanceSats);
    if (agent.balanceSats < amount) return insufficientBalance("agent", amount, agent.balanceSats);
    agent.balanceSats -= amount;
    caller.balanceSats += amount;
    return succeed({
      amount_transferred: amount,
      new_operator_balance: caller.balanceSats,
      new_agent_balance: agent.balanceSats,
    });
  },
});

export const transferBetweenAgentsAction = defineOperatorAction({
  params: transferBetweenAgentsParams,
  mutates: true,
  run({ state, now, caller, params }) {
    const from = findOwnedAgent(state, caller.id, params.from_agent_id);
    if (!from) return agentNotFound(params.from_agent_id);
    const to = findOwnedAgent(state, caller.id, params.to_agent_id);
    if (!to) return agentNotFound(params.to_agent_id);
    // Taking sats out of an agent in cooldown is refused as withdraw_from_agent is; cooldown before balance.
    const cooldown = activeCooldown(from.cooldownUntil, now);
    if (cooldown !== null) return cooldownRefusal(`Transfers from agent ${from.id}`, cooldown, now);
    if (from.balanceSats < params.amount_sats)
      return insufficientBalance("agent", params.amount_sats, from.balanceSats);
    from.balanceSats -= params.amount_sats;
    to.balanceSats += params.amount_sats;
    return succeed({
      amount_transferred: params.amount_sats,
      from_balance: from.balanceSats,
      to_balance: to.balanceSats,
    });
  },
});
