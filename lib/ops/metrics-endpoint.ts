import "server-only";
import { createHash, timingSafeEqual } from "node:crypto";
import { env, loadEnv, type EnvSource } from "@/lib/config/env";
import { log } from "@/lib/log";
import { countLiveSessionRecords } from "@/lib/session/session-records";
import { metrics } from "@/lib/metrics";

/** METRICS_TOKEN (lib/config/env.ts): the bearer a scraper sends to /api/metrics; null turns the endpoint off (404). */
export function readMetricsToken(source?: EnvSource): string | null {
  return (source ? loadEnv(source) : env()).metricsToken;
}

const digest = (text: string) => createHash("sha256").update(text).digest();

/** Compares digests, so neither the token's length nor its prefix leaks through timing. */
function isToken(authorization: string | null, token: string): boolean {
  const offered = /^Bearer (\S+)$/i.exec(authorization ?? "")?.[1];
  return offered !== undefined && timingSafeEqual(digest(offered), digest(token));
}

const SESSION_COUNT_MS = 1_000;

/** The active-sessions gauge, read from the store at scrape time; left as it was if the store does not answer. */
async function refreshActiveSessions(): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const live = await Promise.race([
      countLiveSessionRecords(Date.now()),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${SESSION_COUNT_MS} ms`)), SESSION_COUNT_MS);
      }),
    ]);
    metrics().activeSessions.set(live);
  } catch (error) {
    log.warn("active sessions could not be counted for the metrics", error);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * GET /api/metrics: Prometheus text for a bearer of METRICS_TOKEN. No token configured: 404, as
 * if the route did not exist. A missing or wrong bearer: 401 with `WWW-Authenticate: Bearer`, so
 * a misconfigured scraper says what is wrong (the route's existence is documented anyway).
 */
export async function metricsResponse(request: Request): Promise<Response> {
  const token = readMetricsToken();
  if (token === null)
    return new Response("Not found.\n", {
      status: 404,
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
    });
  if (!isToken(request.headers.get("authorization"), token)) {
    return new Response("A bearer token (METRICS_TOKEN) is needed.\n", {
      status: 401,
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "cache-control": "no-store",
        "www-authenticate": 'Bearer realm="metrics"',
      },
    });
  }
  await refreshActiveSessions();
  const { registry } = metrics();
  return new Response(await registry.metrics(), {
    status: 200,
    headers: { "content-type": registry.contentType, "cache-control": "no-store" },
  });
}
