import "server-only";
import { listAuditEntries, listKeyHistory, type KeyHistory } from "@/lib/audit/audit-query";
import type { AuditEntry } from "@/lib/audit/audit-entry";
import { pendingStaleBefore } from "@/lib/audit/stale-pending";
import { log } from "@/lib/log";

/** Events the details page shows; the rest are one link away, in the audit log filtered to the agent. */
export const RECENT_EVENTS = 20;

export type AgentActivity = { recent: AuditEntry[]; keyHistory: KeyHistory } | null;

/**
 * What happened to one agent, from the audit log: its last RECENT_EVENTS events and every key
 * it had. Null when the log cannot be read: the faucet's facts and the actions still show.
 */
export async function loadAgentActivity(operatorId: number, agentId: number, now: number): Promise<AgentActivity> {
  const staleBefore = pendingStaleBefore(now);
  try {
    const [page, keyHistory] = await Promise.all([
      listAuditEntries({ operatorId, filters: { agent: agentId }, cursor: null, limit: RECENT_EVENTS, staleBefore }),
      listKeyHistory(operatorId, agentId, staleBefore),
    ]);
    return { recent: page.entries, keyHistory };
  } catch (error) {
    log.warn("an agent's events could not be read for its details", error);
    return null;
  }
}
