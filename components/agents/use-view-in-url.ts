"use client";

import { useCallback, useState } from "react";
import { DEFAULT_VIEW, type AgentsViewState } from "@/lib/agents/agents-view";

/**
 * The table's search, sort and filter live in the URL so a reload or a shared link opens
 * the same view. history.replaceState (which Next keeps in sync with its router) changes
 * the URL without a server round trip; the data comes through react-query.
 */
export function useViewInUrl(initialView: AgentsViewState): [AgentsViewState, (view: AgentsViewState) => void] {
  const [view, setViewState] = useState(initialView);
  const setView = useCallback((next: AgentsViewState) => {
    setViewState(next);
    const params = new URLSearchParams();
    for (const name of ["q", "sort", "dir", "filter"] as const) {
      if (next[name] !== DEFAULT_VIEW[name]) params.set(name, next[name]);
    }
    const query = params.toString();
    window.history.replaceState(null, "", query ? `?${query}` : window.location.pathname);
  }, []);
  return [view, setView];
}
