/** "2026-11-30 12:45:07 UTC": one way to write a moment, the same on the server and in every browser. */
export function formatUtcMoment(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/**
 * "agent:1" with the name its event recorded → "Research Bot (#1)"; with none (the console knew
 * no name then) → "#1"; "operator" → "Operator key", or a create that never got its answer →
 * "Research Bot (new agent)".
 */
export function formatAuditTarget(target: string, agentName: string | null = null): string {
  // A create whose answer never came: the name it asked for, no id yet.
  if (target === "operator") return agentName === null ? "Operator key" : `${agentName} (new agent)`;
  const agent = /^agent:(\d+)$/.exec(target);
  if (!agent) return target;
  return agentName === null ? `#${agent[1]}` : `${agentName} (#${agent[1]})`;
}

export function formatAuditAction(action: string): string {
  return action.replaceAll("_", " ");
}
