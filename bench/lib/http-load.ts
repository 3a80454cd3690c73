import autocannon from "autocannon";

export type LoadResult = {
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number };
  requests: number;
  /** Connection errors, timeouts and non-2xx answers: each counts as an error. */
  errors: number;
  /** The non-2xx answers among the errors. */
  non2xx: number;
  seconds: number;
};

/** Holds `connections` concurrent connections on one URL for `seconds` (autocannon). */
export async function holdLoad(options: {
  url: string;
  connections: number;
  seconds: number;
  method?: "GET" | "POST";
  headers?: Record<string, string>;
  body?: string;
}): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    method: options.method ?? "GET",
    headers: options.headers,
    body: options.body,
    timeout: 30,
  });
  return {
    requestsPerSecond: result.requests.average,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99 },
    requests: result["2xx"] + result.non2xx,
    errors: result.errors + result.timeouts + result.non2xx,
    non2xx: result.non2xx,
    seconds: result.duration || options.seconds,
  };
}
