import { getBalance, getInfo, getRateLimits, register, whoami } from "./account";
import { createAgent, deleteAgent, getBudgetStatus, listAgents, setBudget, updateAgent } from "./agents";
import type { ActionDefinition } from "./define";
import { recover, regenerateAgentKey, regenerateOperatorKey } from "./keys";
import { payInvoice, withdraw } from "./payments";
import { fundAgent, transferBetweenAgents, withdrawFromAgent } from "./transfers";

/** Every action the emulator speaks, by its wire name. */
const core: Record<string, ActionDefinition> = {
  register,
  recover,
  whoami,
  get_balance: getBalance,
  get_rate_limits: getRateLimits,
  list_agents: listAgents,
  create_agent: createAgent,
  update_agent: updateAgent,
  set_budget: setBudget,
  get_budget_status: getBudgetStatus,
  delete_agent: deleteAgent,
  fund_agent: fundAgent,
  withdraw_from_agent: withdrawFromAgent,
  transfer_between_agents: transferBetweenAgents,
  regenerate_agent_key: regenerateAgentKey,
  regenerate_operator_key: regenerateOperatorKey,
  withdraw,
  pay_invoice: payInvoice,
};

export const ACTIONS: ReadonlyMap<string, ActionDefinition> = new Map([
  ...Object.entries(core),
  ["get_info", getInfo([...Object.keys(core), "get_info"])],
]);

/** Whether anyone may call this action without a key; unknown names count as keyless. */
export function isKeylessAction(name: string): boolean {
  const definition = ACTIONS.get(name);
  return definition === undefined || definition.keyless === true;
}
