"use client";

import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useState,
  useSyncExternalStore,
  type ReactNode,
} from "react";

/**
 * One ticking clock for the whole page: every countdown reads it, so 200 timers cost one
 * interval. Times are corrected by the server's clock (each data response carries its
 * `serverNow`), so a browser whose clock is off still counts down to the right second.
 */
type Clock = {
  subscribe(listener: () => void): () => void;
  now(): number;
  syncWithServer(serverNow: number): void;
};

function createClock(initialNow: number): Clock {
  const listeners = new Set<() => void>();
  let offsetMs = 0;
  let latestServerNow = Number.NEGATIVE_INFINITY;
  // Starting from the server's time makes the first client render match the server's HTML.
  let current = initialNow;
  let timer: ReturnType<typeof setInterval> | undefined;

  const tick = () => {
    current = Date.now() + offsetMs;
    for (const listener of listeners) listener();
  };

  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!timer) {
        tick();
        timer = setInterval(tick, 1000);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && timer) {
          clearInterval(timer);
          timer = undefined;
        }
      };
    },
    now: () => current,
    syncWithServer(serverNow) {
      // Only newer server times are fresh: a page served from the cache carries an old one.
      if (serverNow <= latestServerNow) return;
      latestServerNow = serverNow;
      offsetMs = serverNow - Date.now();
      tick();
    },
  };
}

const ClockContext = createContext<Clock | null>(null);

export function NowProvider({ serverNow, children }: { serverNow: number; children: ReactNode }) {
  const [clock] = useState(() => createClock(serverNow));
  useEffect(() => {
    // The first render used the server's time as is; from now on, correct the browser's clock by it.
    clock.syncWithServer(serverNow);
  }, [clock, serverNow]);
  return <ClockContext.Provider value={clock}>{children}</ClockContext.Provider>;
}

function useClock(): Clock {
  const clock = useContext(ClockContext);
  if (!clock) throw new Error("The page clock needs a <NowProvider> above it");
  return clock;
}

/** True once the server-corrected time reaches `at`; re-renders only when that flips, not on every tick. */
export function useIsPast(at: number): boolean {
  const clock = useClock();
  const isPast = () => clock.now() >= at;
  return useSyncExternalStore(clock.subscribe, isPast, isPast);
}

/**
 * Calls `onTick` with the server-corrected time on every tick, outside rendering: for a
 * countdown's text, which changes every second, React need not re-render anything.
 * Returns the time now, for the first render.
 */
export function useTick(onTick: (now: number) => void): number {
  const clock = useClock();
  useEffect(() => clock.subscribe(() => onTick(clock.now())), [clock, onTick]);
  return clock.now();
}

/** Re-bases the page clock on a server time that just arrived (a data response, an action result). */
export function useSyncClock(): (serverNow: number) => void {
  const clock = useClock();
  return useCallback((serverNow: number) => clock.syncWithServer(serverNow), [clock]);
}

/** The server-corrected time, read when called (in an event handler), with no re-render on ticks. */
export function useNowReader(): () => number {
  return useClock().now;
}
