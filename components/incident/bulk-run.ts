/**
 * The queue behind a bulk action (incident mode): one single-agent call per agent, at most
 * `concurrency` at a time, driven from the browser so that every new key goes straight from
 * its server action's reply into this tab's memory and nowhere else.
 *
 * The promises it keeps: each agent is sent once. A refusal that committed nothing because
 * of a rate limit is sent again after its retry time (every worker waits: the limit is the
 * operator's); anything that may have committed is "outcome unknown" and never sent again.
 * Pause and Cancel stop new calls from starting; the calls in flight finish and count.
 */
export type BulkItem = { agentId: number; name: string };

/** The hand-off that holds an agent's new key instead of the reply ("Hand off all"); an enrolment link has the same parts. */
export type RunHandoff = { id: string; token: string; expiresAt: number };

export type CallResult =
  | { ok: true; apiKey: string | null; handoff?: RunHandoff | null; enrolment?: RunHandoff | null }
  | { ok: false; kind: "rate_limited"; retryAfterSeconds: number; message: string }
  | { ok: false; kind: "refused" | "unknown"; message: string };

export type ItemState =
  | { status: "queued" | "running" | "cancelled" }
  | { status: "done"; apiKey: string | null; handoff?: RunHandoff; enrolment?: RunHandoff }
  | { status: "refused" | "unknown"; message: string };

export type BulkProgress = {
  done: number;
  refused: number;
  unknown: number;
  cancelled: number;
  /** Not yet finished: queued, waiting on a rate limit, or in flight. */
  remaining: number;
  running: number;
  paused: boolean;
  finished: boolean;
  /** Seconds until the last call should finish at the pace so far; null before any call finished. */
  etaSeconds: number | null;
  /** Epoch ms until which every worker waits on a rate limit, or null. */
  waitingUntil: number | null;
};

type Clock = { now: () => number; sleep: (ms: number, signal: AbortSignal) => Promise<void> };

const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      signal.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          resolve();
        },
        { once: true },
      );
    }),
};

type BulkRunOptions = {
  items: readonly BulkItem[];
  concurrency: number;
  call: (item: BulkItem) => Promise<CallResult>;
  onChange?: () => void;
  clock?: Clock;
};

export function createBulkRun({
  items,
  concurrency,
  call,
  onChange = () => undefined,
  clock = realClock,
}: BulkRunOptions) {
  const states = new Map<number, ItemState>(items.map((item) => [item.agentId, { status: "queued" }]));
  const queue = [...items];
  const cancelled = new AbortController();
  let paused = false;
  let resumeWaiters: (() => void)[] = [];
  let waitingUntil: number | null = null;
  let startedAt: number | null = null;
  let finishedCalls = 0;
  let finished = false;

  function count(status: ItemState["status"]): number {
    let total = 0;
    for (const state of states.values()) if (state.status === status) total++;
    return total;
  }

  function progress(): BulkProgress {
    const done = count("done");
    const refused = count("refused");
    const unknown = count("unknown");
    const cancelledCount = count("cancelled");
    const remaining = items.length - done - refused - unknown - cancelledCount;
    const elapsed = startedAt === null ? 0 : clock.now() - startedAt;
    return {
      done,
      refused,
      unknown,
      cancelled: cancelledCount,
      remaining,
      running: count("running"),
      paused,
      finished,
      etaSeconds: finishedCalls === 0 ? null : Math.ceil(((elapsed / finishedCalls) * remaining) / 1000),
      waitingUntil,
    };
  }

  function set(item: BulkItem, state: ItemState) {
    states.set(item.agentId, state);
    onChange();
  }

  async function untilResumed(): Promise<void> {
    while (paused && !cancelled.signal.aborted) await new Promise<void>((resolve) => resumeWaiters.push(resolve));
  }

  async function untilRateLimitPasses(): Promise<void> {
    while (waitingUntil !== null && !cancelled.signal.aborted) {
      const wait = waitingUntil - clock.now();
      if (wait <= 0) {
        waitingUntil = null;
        onChange();
        break;
      }
      await clock.sleep(wait, cancelled.signal);
    }
  }

  /** One item to its end: sent once, or again only after a rate limit that committed nothing. */
  async function run(item: BulkItem): Promise<void> {
    for (;;) {
      await untilResumed();
      await untilRateLimitPasses();
      if (cancelled.signal.aborted) return set(item, { status: "cancelled" });
      set(item, { status: "running" });
      let result: CallResult;
      try {
        result = await call(item);
      } catch {
        result = {
          ok: false,
          kind: "unknown",
          message: "The console did not answer: the faucet may have changed this agent.",
        };
      }
      finishedCalls++;
      if (result.ok)
        return set(item, {
          status: "done",
          apiKey: result.apiKey,
          ...(result.handoff ? { handoff: result.handoff } : {}),
          ...(result.enrolment ? { enrolment: result.enrolment } : {}),
        });
      if (result.kind !== "rate_limited") return set(item, { status: result.kind, message: result.message });
      // Committed nothing: everyone waits, then this item goes again.
      waitingUntil = Math.max(waitingUntil ?? 0, clock.now() + result.retryAfterSeconds * 1000);
      set(item, { status: "queued" });
    }
  }

  async function worker(): Promise<void> {
    for (let item = queue.shift(); item; item = queue.shift()) {
      if (cancelled.signal.aborted) {
        set(item, { status: "cancelled" });
        continue;
      }
      await run(item);
    }
  }

  function resume() {
    paused = false;
    for (const wake of resumeWaiters) wake();
    resumeWaiters = [];
    onChange();
  }

  return {
    async start(): Promise<BulkProgress> {
      startedAt = clock.now();
      await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
      finished = true;
      onChange();
      return progress();
    },
    pause() {
      paused = true;
      onChange();
    },
    resume,
    /** No call starts after this; the ones in flight finish and are reported. */
    cancel() {
      cancelled.abort();
      resume();
    },
    progress,
    states: () => states,
  };
}

export type BulkRun = ReturnType<typeof createBulkRun>;
