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

/** Operators whose agents' names are kept (the least recently listed go first past it). */
export const NAMED_OPERATORS_MAX = 1_000;

export function createAgentListMemo({
  ttlMs = AGENT_LIST_TTL_MS,
  now = Date.now,
}: { ttlMs?: number; now?: () => number } = {}) {
  const entries = new Map<number, Entry>();
  /**
   * The names of each operator's agents from the last list read, kept past the list's TTL:
   * the audit log records an agent's name with each event from here, never with a faucet
   * call of its own. After a restart, or on another instance, a name is unknown (null)
   * until that operator's list is read once.
   */
  const names = new Map<number, { startedAt: number; byId: Map<number, string> }>();
  const learnNames = (operatorId: number, startedAt: number, list: FaucetAgent[]) => {
    // A slower, older read answering last does not undo a newer one.
    if ((names.get(operatorId)?.startedAt ?? -Infinity) > startedAt) return;
    names.delete(operatorId);
    names.set(operatorId, { startedAt, byId: new Map(list.map((agent) => [agent.id, agent.name])) });
    for (const oldest of names.keys()) {
      if (names.size <= NAMED_OPERATORS_MAX) break;
      names.delete(oldest);
    }
  };

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
      entry.list.then(
        (list) => learnNames(operatorId, at, list),
        () => undefined,
      );
      // A failed call is not remembered: the next request asks the faucet again.
      entry.list.catch(() => {
        if (entries.get(operatorId) === entry) entries.delete(operatorId);
      });
      return entry.list;
    },
    /** The agent's name in the operator's last list read here, or null: no faucet call. */
    nameOf(operatorId: number, agentId: number): string | null {
      return names.get(operatorId)?.byId.get(agentId) ?? null;
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
