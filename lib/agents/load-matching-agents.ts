import "server-only";
import type { OperatorSession } from "@/lib/session/session-data";
import type { AgentsViewState, LastRotation } from "./agents-view";
import { loadAgentRows } from "./load-agents-page";
import { shapeAgents } from "./shape-agents";

/** What a bulk action needs of each agent in a selection: never a key, never a balance. */
export type SelectableAgent = { id: number; name: string; isActive: boolean; lastRotation: LastRotation | null };

/**
 * Every agent matching a view, in the view's order: "Select all N matching" in incident
 * mode, across 10,000 agents, without the browser ever holding more than a screen of rows.
 */
export async function loadMatchingAgents(
  session: OperatorSession,
  view: AgentsViewState,
  now = Date.now(),
): Promise<{ agents: SelectableAgent[]; serverNow: number }> {
  // The list and the records only: the operator's summary (whoami) is the table's, not the selection's.
  const { rows, pastPolicy } = await loadAgentRows(session, now, {
    reuseRecentList: true,
    withPastPolicy: view.filter === "past-policy",
  });
  const matching = shapeAgents(rows, view, pastPolicy);
  return {
    agents: matching.map(({ id, name, isActive, lastRotation }) => ({ id, name, isActive, lastRotation })),
    serverNow: now,
  };
}
