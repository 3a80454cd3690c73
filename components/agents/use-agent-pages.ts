"use client";

import { keepPreviousData, useQueries, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { agentsPageQuery } from "@/lib/agents/agents-page-query";
import type { AgentsPage, AgentsViewState } from "@/lib/agents/agents-view";
import { fetchAgentsPage, SignedOutError } from "./fetch-agents-page";

const REFRESH_MS = 30_000;
/** While the faucet is failing, look again sooner so the page recovers by itself. */
const RECOVERY_MS = 5_000;

/** How every page refreshes; `paused` stops every refetch while a key is being revealed. */
function refreshOptions(paused: boolean) {
  return {
    refetchInterval: (query: { state: { status: string } }) =>
      paused ? false : query.state.status === "error" ? RECOVERY_MS : REFRESH_MS,
    // "always": a tab coming back to the front must catch up even within staleTime, since
    // another tab may have just rotated a key (its cooldown lives in the shared session).
    refetchOnWindowFocus: paused ? false : ("always" as const),
    refetchOnReconnect: !paused,
    retry: (failures: number, error: Error) => !(error instanceof SignedOutError) && failures < 1,
  };
}

/**
 * The pages of the agents table that are on screen, each its own query: off-screen pages
 * go inactive and are not refetched, so a 10,000-agent list costs what a screenful does.
 * `paused` stops every refetch while a key is being revealed: a refetch must not disturb it.
 */
export function useAgentPages(view: AgentsViewState, pageIndexes: readonly number[], paused: boolean) {
  const router = useRouter();
  // The first page always: it carries the operator, the counts and the server's time. While a
  // new search, sort or filter loads, it keeps showing the previous view's first page, so the
  // panel and the toolbar stay on screen (falling back to the skeleton would unmount the search
  // box, losing its focus and whatever was typed meanwhile).
  const first = useQuery({
    ...agentsPageQuery(view, 0, fetchAgentsPage),
    ...refreshOptions(paused),
    placeholderData: keepPreviousData,
  });
  const otherIndexes = pageIndexes.filter((index) => index !== 0);
  const others = useQueries({
    queries: otherIndexes.map((pageIndex) => ({
      ...agentsPageQuery(view, pageIndex, fetchAgentsPage),
      ...refreshOptions(paused),
    })),
  });
  const results = [first, ...others];

  const signedOut = results.find((result) => result.error instanceof SignedOutError)?.error as
    SignedOutError | undefined;
  useEffect(() => {
    // Never navigate away from a key on screen: that would lose it for good (beforeunload
    // does not see client-side navigation). The redirect happens once the reveal closes.
    if (signedOut && !paused) router.replace(`/?reason=${encodeURIComponent(signedOut.reason)}`);
  }, [router, signedOut, paused]);

  const pages = new Map<number, AgentsPage>();
  // The previous view's rows are not this view's: only its panel and counts stand in.
  if (first.data && !first.isPlaceholderData) pages.set(0, first.data);
  others.forEach((result, position) => {
    const index = otherIndexes[position];
    if (result.data && index !== undefined) pages.set(index, result.data);
  });
  return {
    pages,
    firstPage: first.data,
    error: first.error,
    isFetching: results.some((result) => result.isFetching),
    /** When the shown data was last confirmed by the faucet. */
    updatedAt: first.dataUpdatedAt,
    refetch: () => Promise.all(results.map((result) => result.refetch())),
  };
}
