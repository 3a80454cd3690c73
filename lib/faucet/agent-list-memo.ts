import "server-only";
import type { FaucetAgent } from "@/lib/faucet";

/**
 * How long one list_agents reply serves an operator's page requests. The faucet returns
 * every agent in one reply, so without this each page of a 10,000-agent table re-fetched,
 * re-parsed and re-sorted all 10,000: scrolling to the end queued ~100 such requests and
 * the last rows appeared after more than 10 s (measured). With it they cost a slice.
 *
 * The staleness this buys: a change made outside this instance (another instance, another
 * tool talking to the faucet) can take up to this long to show in page requests. A full
 * page load never reuses a list, a rotation made here forgets it at once, and the
 * cooldowns this session started are merged over whatever list is used.
 */
export const AGENT_LIST_TTL_MS = 2_000;

type Entry = { startedAt: number; operatorKey: string; list: Promise<FaucetAgent[]> };

export function createAgentListMemo({
  ttlMs = AGENT_LIST_TTL_MS,
  now = Date.now,
}: { ttlMs?: number; now?: () => number } = {}) {
  const entries = new Map<number, Entry>();

  return {
    /**
     * The operator's list: a recent one (or one still in flight, so a burst of page
     * requests shares one faucet call) unless `fresh`, else a new one from `load`.
     */
    get(
      operatorId: number,
      operatorKey: string,
      load: () => Promise<FaucetAgent[]>,
      { fresh }: { fresh: boolean },
    ): Promise<FaucetAgent[]> {
      const at = now();
      // Sweeping on every call keeps memory to the operators active in the last few seconds.
      for (const [id, entry] of entries) if (at - entry.startedAt >= ttlMs) entries.delete(id);
      const recent = entries.get(operatorId);
      // The key must match too: after the operator key changes, the old list is not reused.
      if (recent && !fresh && recent.operatorKey === operatorKey) return recent.list;
      const entry: Entry = { startedAt: at, operatorKey, list: load() };
      entries.set(operatorId, entry);
      // A failed call is not remembered: the next request asks the faucet again.
      entry.list.catch(() => {
        if (entries.get(operatorId) === entry) entries.delete(operatorId);
      });
      return entry.list;
    },
    /** After a rotation by this instance: the next request must see the faucet's new state. */
    forget(operatorId: number): void {
      entries.delete(operatorId);
    },
  };
}

export type AgentListMemo = ReturnType<typeof createAgentListMemo>;

const globalForMemo = globalThis as { agentListMemo?: AgentListMemo };

/** One memo per server process. */
export function agentListMemo(): AgentListMemo {
  globalForMemo.agentListMemo ??= createAgentListMemo();
  return globalForMemo.agentListMemo;
}
