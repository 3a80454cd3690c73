import { addAgent } from "../seed";
import {
  agentIdParams,
  createAgentParams,
  listAgentsParams,
  optionalAgentIdParams,
  setBudgetParams,
  updateAgentParams,
} from "../params";
import { agentNotFound, refuse, succeed } from "../refusal";
import { activeCooldown, isoOrNull, type AgentRecord } from "../state";
import { defineKeyedAction, defineOperatorAction, findOwnedAgent } from "./define";

/** The contract sends "no budget" as 0 or null; both are stored as null (unlimited). */
function normaliseBudget(limit: number | null | undefined): number | null {
  return limit ? limit : null;
}

export const listAgentsAction = defineOperatorAction({
  params: listAgentsParams,
  mutates: false,
  run({ state, now, caller, params }) {
    const own: AgentRecord[] = [];
    for (const agent of state.agents.values()) if (agent.operatorId === caller.id) own.push(agent);
    own.sort((a, b) => a.id - b.id);
    const offset = params.offset ?? 0;
    const page = own.slice(offset, params.limit === undefined ? undefined : offset + params.limit);
    return succeed({
      agents: page.map((agent) => ({
        id: agent.id,
        name: agent.name,
        balance_sats: agent.balanceSats,
        is_active: agent.isActive,
        created_at: new Date(agent.createdAt).toISOString(),
        // Extensions of ours: the console's details view reads them without a call per row.
        budget_limit_sats: agent.budgetLimitSats,
        description: agent.description,
        // Extension of ours (not in the public contract): lets the console show a
        // locked agent without one get_budget_status/whoami call per row.
        cooldown_until: isoOrNull(activeCooldown(agent.cooldownUntil, now)),
      })),
      total: own.length,
    });
  },
});

export const createAgentAction = defineOperatorAction({
  params: createAgentParams,
  mutates: true,
  run({ state, now, caller, params }) {
    const { agent, apiKey } = addAgent(state, now, {
      operatorId: caller.id,
      name: params.name,
      description: params.description ?? null,
      budgetLimitSats: normaliseBudget(params.budget_limit_sats),
    });
    // Both names: the backend sends api_key, the CLI reads agent_api_key (faucet-api.md §3).
    return succeed({ agent_id: agent.id, api_key: apiKey, agent_api_key: apiKey, name: agent.name });
  },
});

export const updateAgentAction = defineOperatorAction({
  params: updateAgentParams,
  mutates: true,
  run({ state, caller, params }) {
    const agent = findOwnedAgent(state, caller.id, params.agent_id);
    if (!agent) return agentNotFound(params.agent_id);
    const { is_active, budget_limit_sats } = params.updates;
    if (is_active !== undefined) agent.isActive = is_active;
    if (budget_limit_sats !== undefined) agent.budgetLimitSats = normaliseBudget(budget_limit_sats);
    return succeed({ message: `Agent ${agent.id} updated` });
  },
});

/** Newer clients' budget call (faucet-api.md §9); unlike update_agent it takes null for unlimited. */
export const setBudgetAction = defineOperatorAction({
  params: setBudgetParams,
  mutates: true,
  run({ state, caller, params }) {
    const agent = findOwnedAgent(state, caller.id, params.agent_id);
    if (!agent) return agentNotFound(params.agent_id);
    agent.budgetLimitSats = normaliseBudget(params.budget_limit_sats);
    return succeed({
      message: `Budget of agent ${agent.id} updated`,
      agent_id: agent.id,
      budget_limit_sats: agent.budgetLimitSats,
    });
  },
});

export const getBudgetStatusAction = defineKeyedAction({
  params: optionalAgentIdParams,
  mutates: false,
  run({ state, caller, params }) {
    let agent: AgentRecord | null;
    if (caller.role === "operator") {
      if (params.agent_id === undefined) {
        return refuse("invalid_request", "agent_id is required with an operator key");
      }
      agent = findOwnedAgent(state, caller.operator.id, params.agent_id);
    } else {
      // An agent may only ask about itself; any other id looks like a missing agent.
      agent = params.agent_id === undefined || params.agent_id === caller.agent.id ? caller.agent : null;
    }
    if (!agent) return agentNotFound(params.agent_id ?? 0);
    const limit = agent.budgetLimitSats;
    return succeed({
      agent_id: agent.id,
      budget_limit_sats: limit,
      total_spent_sats: agent.totalSpentSats,
      remaining_sats: limit === null ? null : Math.max(0, limit - agent.totalSpentSats),
      has_budget: limit !== null,
    });
  },
});

export const deleteAgentAction = defineOperatorAction({
  params: agentIdParams,
  mutates: true,
  run({ state, caller, params }) {
    const agent = findOwnedAgent(state, caller.id, params.agent_id);
    if (!agent) return agentNotFound(params.agent_id);
    // Deliberately not blocked by the agent's cooldown: the balance goes to the operator,
    // never out of the faucet, which is what a cooldown protects against.
    const returned = agent.balanceSats;
    caller.balanceSats += returned;
    state.agents.delete(agent.id);
    state.keyIndex.delete(agent.keyHash);
    return succeed({ message: `Agent ${agent.id} deleted`, balance_returned: returned });
  },
});
