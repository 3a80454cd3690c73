import { getBalanceAction, getInfoAction, getRateLimitsAction, registerAction, whoamiAction } from "./account";
import {
  createAgentAction,
  deleteAgentAction,
  getBudgetStatusAction,
  listAgentsAction,
  setBudgetAction,
  updateAgentAction,
} from "./agents";
import type { ActionDefinition } from "./define";
import { recoverAction, regenerateAgentKeyAction, regenerateOperatorKeyAction } from "./keys";
import { keysendAction, payInvoiceAction, payLightningAddressAction, withdrawAction } from "./payments";
import { fundAgentAction, transferBetweenAgentsAction, withdrawFromAgentAction } from "./transfers";

/** Every action the emulator speaks, by its wire name. */
const core: Record<string, ActionDefinition> = {
  register: registerAction,
  recover: recoverAction,
  whoami: whoamiAction,
  get_balance: getBalanceAction,
  get_rate_limits: getRateLimitsAction,
  list_agents: listAgentsAction,
  create_agent: createAgentAction,
  update_agent: updateAgentAction,
  set_budget: setBudgetAction,
  get_budget_status: getBudgetStatusAction,
  delete_agent: deleteAgentAction,
  fund_agent: fundAgentAction,
  withdraw_from_agent: withdrawFromAgentAction,
  transfer_between_agents: transferBetweenAgentsAction,
  regenerate_agent_key: regenerateAgentKeyAction,
  regenerate_operator_key: regenerateOperatorKeyAction,
  withdraw: withdrawAction,
  pay_invoice: payInvoiceAction,
  keysend: keysendAction,
  pay_lightning_address: payLightningAddressAction,
};

export const ACTIONS: ReadonlyMap<string, ActionDefinition> = new Map([
  ...Object.entries(core),
  ["get_info", getInfoAction([...Object.keys(core), "get_info"])],
]);

/** Whether anyone may call this action without a key; unknown names count as keyless. */
export function isKeylessAction(name: string): boolean {
  const definition = ACTIONS.get(name);
  return definition === undefined || definition.keyless === true;
}
