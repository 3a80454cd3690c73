import { holdLoad, type LoadResult } from "../lib/http-load";

export type Throughput = {
  console: LoadResult;
  faucet: LoadResult;
  ratio: number;
  /** Bytes of one answer each: both carry the same operator's same agents as JSON. */
  answerBytes: { console: number; faucet: number };
  slices: number;
};

/**
 * Figure 7, like with like: the same operator's same agents as JSON, over the same loopback,
 * with the same connections, from the console's agents data route (a valid session, one page
 * as large as the list) and from the faucet's own list_agents. The time is cut into slices
 * run in alternation (console, faucet, faucet, console, …), so both see the same machine;
 * the slices' counts are summed. Connection errors, timeouts and non-2xx answers are errors.
 */
export async function measureThroughput(options: {
  consoleUrl: string;
  cookie: string;
  faucetApiUrl: string;
  operatorKey: string;
  agents: number;
  connections: number;
  seconds: number;
  slices: number;
}): Promise<Throughput> {
  const { consoleUrl, cookie, faucetApiUrl, operatorKey, agents, connections, seconds, slices } = options;
  const consoleTarget = { url: `${consoleUrl}/api/agents?offset=0&limit=${agents}`, headers: { cookie } };
  const faucetTarget = {
    url: faucetApiUrl,
    method: "POST" as const,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action: "list_agents", api_key: operatorKey }),
  };
  const answerBytes = {
    console: await answerSize(consoleTarget, agents),
    faucet: await answerSize(faucetTarget, agents),
  };

  const runs: { console: LoadResult[]; faucet: LoadResult[] } = { console: [], faucet: [] };
  const sliceSeconds = Math.max(1, Math.round(seconds / slices));
  for (let slice = 0; slice < slices; slice++) {
    const order = slice % 2 === 0 ? (["console", "faucet"] as const) : (["faucet", "console"] as const);
    for (const which of order) {
      const target = which === "console" ? consoleTarget : faucetTarget;
      runs[which].push(await holdLoad({ ...target, connections, seconds: sliceSeconds }));
    }
  }
  const consoleResult = combine(runs.console);
  const faucetResult = combine(runs.faucet);
  return {
    console: consoleResult,
    faucet: faucetResult,
    ratio: consoleResult.requestsPerSecond / faucetResult.requestsPerSecond,
    answerBytes,
    slices,
  };
}

/** One request first: it must answer 2xx with `agents` agents, or the comparison is not like with like. */
async function answerSize(
  target: { url: string; method?: "GET" | "POST"; headers: Record<string, string>; body?: string },
  agents: number,
): Promise<number> {
  const response = await fetch(target.url, {
    method: target.method ?? "GET",
    headers: target.headers,
    body: target.body,
    redirect: "manual",
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${target.url} answered HTTP ${response.status}`);
  const listed = (JSON.parse(text) as { agents?: unknown[] }).agents;
  if (listed?.length !== agents)
    throw new Error(`${target.url} listed ${listed?.length ?? "no"} agents, not ${agents}`);
  return Buffer.byteLength(text);
}

function combine(results: LoadResult[]): LoadResult {
  const requests = results.reduce((total, result) => total + result.requests, 0);
  const seconds = results.reduce((total, result) => total + result.seconds, 0);
  return {
    requestsPerSecond: requests / seconds,
    // The slices' latencies cannot be merged exactly: the worst slice's is reported.
    latencyMs: {
      p50: Math.max(...results.map((result) => result.latencyMs.p50)),
      p99: Math.max(...results.map((result) => result.latencyMs.p99)),
    },
    requests,
    errors: results.reduce((total, result) => total + result.errors, 0),
    non2xx: results.reduce((total, result) => total + result.non2xx, 0),
    seconds,
  };
}
