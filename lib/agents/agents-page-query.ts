import { queryOptions } from "@tanstack/react-query";
import type { AgentsPage, AgentsViewState } from "./agents-view";

/** Where a page comes from: /api/agents in the browser, the faucet directly on the server. */
export type AgentsPageFetcher = (view: AgentsViewState, pageIndex: number, signal: AbortSignal) => Promise<AgentsPage>;

/**
 * One page of the agents table as a query: the same key and the same shape for the server's
 * prefetch (app/agents) and the browser's queries (use-agent-pages.ts), so the browser picks up
 * exactly what the server put in the cache. The fetcher is passed in, so this module stays free
 * of server code and safe to bundle for the browser.
 */
export function agentsPageQuery(view: AgentsViewState, pageIndex: number, fetchPage: AgentsPageFetcher) {
  return queryOptions({
    // Every page shares the ["agents"] prefix: a rotation patches and invalidates them all by it.
    queryKey: ["agents", view, pageIndex] as const,
    queryFn: ({ signal }) => fetchPage(view, pageIndex, signal),
  });
}
