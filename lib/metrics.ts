import { Counter, Gauge, Histogram, Registry } from "prom-client";

/**
 * The process's Prometheus metrics, served at /api/metrics. Next evaluates a module once per
 * server layer (and again on every dev reload), and prom-client refuses a second metric of one
 * name in a registry: the one registry and its metrics live on globalThis under a registered
 * symbol, made once, whichever copy of this module asks first.
 *
 * Labels take values from closed sets only (a faucet action, an error kind, an audit action and
 * outcome, a limit's name): never a key, a fingerprint, an operator or agent id, an address or a
 * session, which would leak them to whoever scrapes and grow the series without bound.
 */
function createMetrics() {
  const registry = new Registry();
  const prefix = "faucet_console_";
  return {
    registry,
    faucetCalls: new Counter({
      name: `${prefix}faucet_calls_total`,
      help: "Faucet calls by action and outcome (ok, or the FaucetError kind).",
      labelNames: ["action", "outcome"] as const,
      registers: [registry],
    }),
    faucetCallSeconds: new Histogram({
      name: `${prefix}faucet_call_duration_seconds`,
      help: "Faucet call latency by action, answered or not.",
      labelNames: ["action"] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    changes: new Counter({
      name: `${prefix}changes_total`,
      help: "Key rotations and agent lifecycle changes through the audited pipeline, by audit action and outcome (ok, refused, outcome_unknown, key_missing).",
      labelNames: ["action", "outcome"] as const,
      registers: [registry],
    }),
    signIns: new Counter({
      name: `${prefix}sign_ins_total`,
      help: "Sign-in attempts by outcome (ok, or the refusal: invalid_key, rate_limited, store_unavailable, …).",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
    rateLimitRefusals: new Counter({
      name: `${prefix}rate_limit_refusals_total`,
      help: "Requests refused by a rate limit, by the limit's name.",
      labelNames: ["limit"] as const,
      registers: [registry],
    }),
    storeQuerySeconds: new Histogram({
      name: `${prefix}store_query_duration_seconds`,
      help: "Store statement latency by engine (on PGlite, statements outside transactions).",
      labelNames: ["engine"] as const,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    }),
    activeSessions: new Gauge({
      name: `${prefix}active_sessions`,
      help: "Sessions open in the store and not idle (the same figure on every instance sharing the store); read at each scrape.",
      registers: [registry],
    }),
  };
}

export type ConsoleMetrics = ReturnType<typeof createMetrics>;

const METRICS_KEY = Symbol.for("faucet-console.metrics");

export function metrics(): ConsoleMetrics {
  const global = globalThis as { [METRICS_KEY]?: ConsoleMetrics };
  global[METRICS_KEY] ??= createMetrics();
  return global[METRICS_KEY];
}

/** Times `work` into `histogram` (seconds), whether it resolves or rejects. */
export async function timed<T>(observe: (seconds: number) => void, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    return await work();
  } finally {
    observe((performance.now() - started) / 1000);
  }
}
