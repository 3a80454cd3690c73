"use client";

import { useQueries } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { agentsPageKey, type AgentsPage, type AgentsViewState } from "@/lib/agents/agents-view";
import { fetchAgentsPage, SignedOutError } from "./fetch-agents-page";

const REFRESH_MS = 30_000;
/** While the faucet is failing, look again sooner so the page recovers by itself. */
const RECOVERY_MS = 5_000;

/**
 * The pages of the agents table that are on screen, each its own query: off-screen pages
 * go inactive and are not refetched, so a 10,000-agent list costs what a screenful does.
 * `paused` stops every refetch while a key is being revealed: a refetch must not disturb it.
 */
export function useAgentPages(view: AgentsViewState, pageIndexes: readonly number[], paused: boolean) {
  const router = useRouter();
  // The first page always: it carries the operator, the counts and the server's time.
  const indexes = [0, ...pageIndexes.filter((index) => index !== 0)];
  const results = useQueries({
    queries: indexes.map((pageIndex) => ({
      queryKey: agentsPageKey(view, pageIndex),
      queryFn: ({ signal }: { signal: AbortSignal }) => fetchAgentsPage(view, pageIndex, signal),
      refetchInterval: (query: { state: { status: string } }) => (paused ? false : query.state.status === "error" ? RECOVERY_MS : REFRESH_MS),
      // "always": a tab coming back to the front must catch up even within staleTime, since
      // another tab may have just rotated a key (its cooldown lives in the shared session).
      refetchOnWindowFocus: paused ? false : ("always" as const),
      refetchOnReconnect: !paused,
      retry: (failures: number, error: Error) => !(error instanceof SignedOutError) && failures < 1,
    })),
  });

  const signedOut = results.find((result) => result.error instanceof SignedOutError)?.error as SignedOutError | undefined;
  useEffect(() => {
    // Never navigate away from a key on screen: that would lose it for good (beforeunload
    // does not see client-side navigation). The redirect happens once the reveal closes.
    if (signedOut && !paused) router.replace(`/?reason=${encodeURIComponent(signedOut.reason)}`);
  }, [router, signedOut, paused]);

  const pages = new Map<number, AgentsPage>();
  results.forEach((result, position) => {
    const index = indexes[position];
    if (result.data && index !== undefined) pages.set(index, result.data);
  });
  const first = results[0];
  return {
    pages,
    firstPage: first?.data,
    error: first?.error ?? null,
    isFetching: results.some((result) => result.isFetching),
    /** When the shown data was last confirmed by the faucet. */
    updatedAt: first?.dataUpdatedAt ?? 0,
    refetch: () => Promise.all(results.map((result) => result.refetch())),
  };
}
