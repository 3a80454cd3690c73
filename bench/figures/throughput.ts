import { holdLoad, type LoadResult } from "../lib/http-load";

export type Throughput = { console: LoadResult; faucet: LoadResult; ratio: number };

/**
 * Figure 7: requests/s of the console's agents data route (one instance, a valid session)
 * against requests/s of the faucet's own list_agents for the same operator, each with
 * `connections` connections for `seconds`, one after the other.
 */
export async function measureThroughput(options: { consoleUrl: string; cookie: string; faucetApiUrl: string; operatorKey: string; connections: number; seconds: number }): Promise<Throughput> {
  const { consoleUrl, cookie, faucetApiUrl, operatorKey, connections, seconds } = options;
  const consoleResult = await holdLoad({ url: `${consoleUrl}/api/agents?offset=0&limit=100`, connections, seconds, headers: { cookie } });
  const faucetResult = await holdLoad({
    url: faucetApiUrl,
    connections,
    seconds,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ action: "list_agents", api_key: operatorKey }),
  });
  return { console: consoleResult, faucet: faucetResult, ratio: consoleResult.requestsPerSecond / faucetResult.requestsPerSecond };
}
