import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { promisify } from "node:util";
import { parseSessionSecret } from "@/lib/config/session-secret";
import { sealSession, sessionCookieName } from "@/lib/session/session-seal";
import { REPO } from "../lib/build";
import { percentile, timed } from "../lib/stats";

type Percentiles = { p50: number; p95: number };
export type LookupInProcess = Percentiles & { engine: string; samples: number; p99: number };
export type LookupOverHttp = {
  samples: number;
  noCookieMs: Percentiles;
  unknownSessionMs: Percentiles;
  addedP50Ms: number;
};

/**
 * Figure 8a, in process: the session lookup every request makes (lookupSessionRecord: a
 * SELECT by primary key and opening the sealed operator key), timed thousands of times in
 * a child process that opens the store as the console does. `env` names the store
 * (DATABASE_URL, or CONSOLE_DATA_DIR for PGlite). This is the figure judged against the
 * 1 ms target: over HTTP one request's noise on this shared machine is larger than the lookup.
 */
export async function measureLookupInProcess(env: Record<string, string>, samples = 2_000): Promise<LookupInProcess> {
  const { stdout } = await promisify(execFile)(
    join(REPO, "node_modules", ".bin", "tsx"),
    ["--conditions=react-server", "bench/probes/session-lookup.ts"],
    {
      cwd: REPO,
      env: { ...process.env, ...env, BENCH_LOOKUP_SAMPLES: String(samples) },
      timeout: 300_000,
    },
  );
  const line = stdout.trim().split("\n").at(-1) ?? "";
  return JSON.parse(line) as LookupInProcess;
}

/**
 * Figure 8b, end to end: GET /api/agents with no cookie (401 at once, no store) against the
 * same request with a valid seal naming a session that has no row (unseal + the lookup's
 * SELECT, then the same 401). Both answer the same 401 without a faucet call, so the
 * difference is the session read a request pays. A live session would add opening the key
 * (microseconds) and the faucet's list, which would drown the difference: hence the unknown row.
 * Interleaved, the order alternating each round.
 */
export async function measureLookupOverHttp(
  consoleUrl: string,
  sessionSecret: string,
  samples: number,
): Promise<LookupOverHttp> {
  const seal = await sealSession(
    {
      sessionId: randomBytes(16).toString("base64url"),
      sessionKey: randomBytes(32).toString("base64url"),
      operatorCooldownUntil: null,
      agentCooldowns: [],
    },
    parseSessionSecret(sessionSecret),
  );
  const get = (cookie: string | null) => async () => {
    const response = await fetch(`${consoleUrl}/api/agents?offset=0&limit=100`, {
      headers: cookie ? { cookie } : {},
      redirect: "manual",
    });
    await response.arrayBuffer();
    if (response.status !== 401) throw new Error(`/api/agents answered HTTP ${response.status}, expected 401`);
  };
  const requests = [get(null), get(`${sessionCookieName("production")}=${seal}`)] as const;
  const times: [number[], number[]] = [[], []];
  const warmUp = 20;
  for (let round = 0; round < samples + warmUp; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const which of order as (0 | 1)[]) {
      const { ms } = await timed(requests[which]);
      if (round >= warmUp) times[which].push(ms);
    }
  }
  const p = (values: number[]) => ({ p50: percentile(values, 50), p95: percentile(values, 95) });
  const noCookieMs = p(times[0]);
  const unknownSessionMs = p(times[1]);
  return { samples, noCookieMs, unknownSessionMs, addedP50Ms: unknownSessionMs.p50 - noCookieMs.p50 };
}
