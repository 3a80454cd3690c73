"use client";

import { useSyncExternalStore } from "react";

/** Below Tailwind's md breakpoint the agents list becomes cards. */
const NARROW = "(max-width: 767px)";

function subscribe(onChange: () => void) {
  const query = window.matchMedia(NARROW);
  query.addEventListener("change", onChange);
  return () => query.removeEventListener("change", onChange);
}

/** The server renders the table; a phone swaps to cards on hydration. */
export function useNarrowScreen(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(NARROW).matches,
    () => false,
  );
}
