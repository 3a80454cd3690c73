"use client";

import { useSyncExternalStore } from "react";

export type OnDemandState<T> =
  | { status: "idle" }
  /** `retrying`: asked for by a Retry, so what showed the failure stays up until this download ends. */
  | { status: "loading"; retrying: boolean }
  | { status: "failed" }
  | { status: "ready"; module: T };

export type OnDemand<T> = {
  /** Starts the download unless it is under way or done; after a failure, tries again. */
  load: () => void;
  /** `load`, from the Retry of a failure the user was shown. */
  retry: () => void;
  /** The module's state now. */
  current: () => OnDemandState<T>;
  /** The module's state, re-rendering the caller when it changes. */
  useStatus: () => OnDemandState<T>;
};

const IDLE = { status: "idle" } as const;

/**
 * A part of a page downloaded on first use rather than with the page: `load` is called when
 * the part is about to be wanted (pointer over or focus on what opens it) and again when it is
 * asked for, so a click finds it already there. One state per part, shared by every caller
 * (a hundred rows load the part once). A download that fails is a state the caller shows with
 * a way to retry, not an exception for an error boundary to catch (which would replace the
 * whole page). The server renders these parts as not loaded.
 */
export function onDemand<T>(download: () => Promise<T>): OnDemand<T> {
  let state: OnDemandState<T> = IDLE;
  const listeners = new Set<() => void>();
  const set = (next: OnDemandState<T>) => {
    state = next;
    for (const listener of listeners) listener();
  };
  const subscribe = (listener: () => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  const start = (retrying: boolean) => {
    if (state.status === "loading" || state.status === "ready") return;
    set({ status: "loading", retrying });
    download().then(
      (module) => set({ status: "ready", module }),
      () => set({ status: "failed" }),
    );
  };
  const current = () => state;
  return {
    load: () => start(false),
    retry: () => start(true),
    current,
    useStatus: () => useSyncExternalStore(subscribe, current, () => IDLE),
  };
}
