/** "2026-11-30 12:45:07 UTC": one way to write a moment, the same on the server and in every browser. */
export function formatUtcMoment(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** "agent:4" → "Agent 4", "operator" → "Operator key". */
export function formatAuditTarget(target: string): string {
  if (target === "operator") return "Operator key";
  const agent = /^agent:(\d+)$/.exec(target);
  return agent ? `Agent ${agent[1]}` : target;
}

export function formatAuditAction(action: string): string {
  return action.replaceAll("_", " ");
}
