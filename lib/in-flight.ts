/**
 * What a shutdown waits for: the pipeline runs (rotations, lifecycle changes) in flight in this
 * process, and whether it is draining. Kept on globalThis: proxy.ts, the routes and the
 * instrumentation hook are separate bundles of one process. No imports, so proxy.ts can read it.
 */
type InFlight = { draining: boolean; runs: Set<Promise<unknown>>; settled: Set<() => void> };

const IN_FLIGHT_KEY = Symbol.for("faucet-console.in-flight");

function state(): InFlight {
  const global = globalThis as { [IN_FLIGHT_KEY]?: InFlight };
  global[IN_FLIGHT_KEY] ??= { draining: false, runs: new Set(), settled: new Set() };
  return global[IN_FLIGHT_KEY];
}

/** Counts `run` as in flight until it settles; returns it unchanged. */
export function trackRun<T>(run: Promise<T>): Promise<T> {
  const { runs, settled } = state();
  runs.add(run);
  const done = () => {
    runs.delete(run);
    if (runs.size === 0) for (const wake of settled) wake();
  };
  run.then(done, done);
  return run;
}

export function runsInFlight(): number {
  return state().runs.size;
}

/** From now on the instance refuses new requests (proxy.ts) and says it is not ready. */
export function startDraining(): void {
  state().draining = true;
}

export function isDraining(): boolean {
  return state().draining;
}

/** Resolves true once no run is in flight, or false when `ms` pass first. */
export function waitForRuns(ms: number): Promise<boolean> {
  const { runs, settled } = state();
  if (runs.size === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const wake = () => finish(true);
    const timer = setTimeout(() => finish(false), ms);
    function finish(allDone: boolean) {
      clearTimeout(timer);
      settled.delete(wake);
      resolve(allDone);
    }
    settled.add(wake);
  });
}
