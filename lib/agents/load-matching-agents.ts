import "server-only";
import type { OperatorSession } from "@/lib/session/session-data";
import type { AgentsViewState, LastRotation } from "./agents-view";
import { loadAgentsPage } from "./load-agents-page";

/** What a bulk action needs of each agent in a selection: never a key, never a balance. */
export type SelectableAgent = { id: number; name: string; isActive: boolean; lastRotation: LastRotation | null };

/**
 * Every agent matching a view, in the view's order: "Select all N matching" in incident
 * mode, across 10,000 agents, without the browser ever holding more than a screen of rows.
 */
export async function loadMatchingAgents(session: OperatorSession, view: AgentsViewState, now = Date.now()): Promise<{ agents: SelectableAgent[]; serverNow: number }> {
  const page = await loadAgentsPage(session, { ...view, offset: 0, limit: Number.MAX_SAFE_INTEGER }, now, { reuseRecentList: true });
  return { agents: page.agents.map(({ id, name, isActive, lastRotation }) => ({ id, name, isActive, lastRotation })), serverNow: page.serverNow };
}
