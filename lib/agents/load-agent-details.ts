import "server-only";
import { listKeyHistory } from "@/lib/audit/audit-query";
import { faucetTimeoutMs, getFaucetClient, isFaucetError, type BudgetStatus, type FaucetAgent } from "@/lib/faucet";
import { log } from "@/lib/log";
import type { OperatorSession } from "@/lib/session/session-data";
import { agentListMemo } from "@/lib/faucet/agent-list-memo";

export type AgentDetails = {
  agent: FaucetAgent;
  budget: BudgetStatus;
  /** The current key's label from the audit log (prefix…last4), or null when the log has none. */
  keyLabel: string | null;
};

/** The latest key the log saw confirmed; the log being down does not hide the faucet's details. */
async function currentKeyLabel(operatorId: number, agentId: number): Promise<string | null> {
  try {
    const history = await listKeyHistory(operatorId, agentId, Date.now() - faucetTimeoutMs() - 5_000);
    return history.entries.find((entry) => entry.id === history.currentId)?.keyLabel ?? null;
  } catch (error) {
    log.warn("an agent's key history could not be read for its details", error);
    return null;
  }
}

/**
 * One agent's details: its row from list_agents (shared with the agents page's memo) and
 * its budget from get_budget_status. Null when the faucet has no such agent for this operator.
 */
export async function loadAgentDetails(session: OperatorSession, agentId: number): Promise<AgentDetails | null> {
  const faucet = getFaucetClient();
  const agents = await agentListMemo().get(
    session.operatorId,
    session.operatorKey,
    () => faucet.listAgents(session.operatorKey),
    { fresh: true },
  );
  const agent = agents.find((row) => row.id === agentId);
  if (!agent) return null;
  let budget: BudgetStatus;
  try {
    budget = await faucet.getBudgetStatus(session.operatorKey, agentId);
  } catch (error) {
    // Deleted between the two calls.
    if (isFaucetError(error) && error.kind === "not_found") return null;
    throw error;
  }
  return { agent, budget, keyLabel: await currentKeyLabel(session.operatorId, agentId) };
}
