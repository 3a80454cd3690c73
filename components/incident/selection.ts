import type { AgentsViewState, LastRotation } from "@/lib/agents/agents-view";

/** An agent as a bulk action needs it: never a key. */
export type SelectedAgent = { id: number; name: string; isActive: boolean; lastRotation: LastRotation | null };

/**
 * What the operator picked: agents ticked one by one, or "all N matching" a view, minus the
 * ones unticked since. The second form never lists the agents in the browser: 10,000 of them
 * are resolved only when a bulk action starts (resolveSelection).
 */
export type Selection =
  | { kind: "some"; agents: ReadonlyMap<number, SelectedAgent> }
  | { kind: "all"; view: AgentsViewState; matching: number; except: ReadonlySet<number> };

export const NOTHING_SELECTED: Selection = { kind: "some", agents: new Map() };

export function selectedCount(selection: Selection): number {
  return selection.kind === "some" ? selection.agents.size : Math.max(0, selection.matching - selection.except.size);
}

export function isSelected(selection: Selection, agentId: number): boolean {
  return selection.kind === "some" ? selection.agents.has(agentId) : !selection.except.has(agentId);
}

export function toggled(selection: Selection, agent: SelectedAgent): Selection {
  if (selection.kind === "all") {
    const except = new Set(selection.except);
    if (except.has(agent.id)) except.delete(agent.id);
    else except.add(agent.id);
    return { ...selection, except };
  }
  const agents = new Map(selection.agents);
  if (agents.has(agent.id)) agents.delete(agent.id);
  else agents.set(agent.id, agent);
  return { kind: "some", agents };
}

/** The selected agents, in the view's order for "all matching". Throws an Error with a message to show. */
export async function resolveSelection(selection: Selection, signal?: AbortSignal): Promise<SelectedAgent[]> {
  if (selection.kind === "some") return [...selection.agents.values()];
  const params = new URLSearchParams({ ...selection.view });
  let response: Response;
  try {
    response = await fetch(`/api/agents/matching?${params}`, {
      signal,
      cache: "no-store",
      headers: { accept: "application/json" },
    });
  } catch {
    throw new Error("The console cannot be reached. Check your connection.");
  }
  const body = (await response.json().catch(() => null)) as { agents?: SelectedAgent[]; message?: string } | null;
  if (!response.ok || !body?.agents) throw new Error(body?.message ?? `The console answered HTTP ${response.status}.`);
  return body.agents.filter((agent) => !selection.except.has(agent.id));
}
