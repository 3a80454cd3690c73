import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { env, isDemoMode, securitySettings } from "@/lib/config/env";
import { readCappedBody } from "@/lib/http";
import { log } from "@/lib/log";
import { clientAddressOf, requestHost } from "@/lib/security/origin";
import { createStoreRateLimiter, type StoreRateLimiter } from "@/lib/security/store-rate-limiter";
import { isStoreUnavailableError } from "@/lib/store/store-unavailable-error";
import { HANDOFF_ID_PATTERN, TOKEN_PATTERN } from "./handoff-crypto";
import { readHandoffRateLimit } from "./handoff-settings";
import { lookupHandoff, redeemHandoff, type HandoffClient, type HandoffRefusal, type HandoffView } from "./handoffs";

/**
 * The two HTTP routes of a hand-off, for a machine with no session: the bearer token is the
 * credential. Both are rate-limited per client address and per hand-off (in the store, before
 * anything is recorded), read at most a small body, and answer typed JSON with no-store.
 */

/** Neither route needs a body: anything past this is refused unread. */
export const HANDOFF_BODY_MAX_BYTES = 1024;
/** Attempts (redeem or lookup) per hand-off and minute, whoever sends them. */
const ATTEMPTS_PER_HANDOFF = 10;

export type HandoffFormat = "json" | "credentials" | "env";

type Limiters = { perClient: StoreRateLimiter; perHandoff: StoreRateLimiter };
const globalForHandoffs = globalThis as { handoffLimiters?: Limiters };

function limiters(): Limiters {
  globalForHandoffs.handoffLimiters ??= {
    perClient: createStoreRateLimiter({
      keyPrefix: "handoff-clients",
      points: readHandoffRateLimit(),
      durationSeconds: 60,
    }),
    perHandoff: createStoreRateLimiter({ keyPrefix: "handoff-ids", points: ATTEMPTS_PER_HANDOFF, durationSeconds: 60 }),
  };
  return globalForHandoffs.handoffLimiters;
}

const NO_STORE = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

function refuse(status: number, code: string, message: string, headers: Record<string, string> = {}): NextResponse {
  return NextResponse.json({ ok: false, code, message }, { status, headers: { ...NO_STORE, ...headers } });
}

const REFUSALS: Record<HandoffRefusal, [number, string]> = {
  not_found: [404, "No hand-off has this id. Check the link."],
  wrong_token: [401, "This token does not open the hand-off. Copy the whole link, including the part after #."],
  expired: [410, "This hand-off expired before it was collected. Ask the operator for a new one."],
  locked: [410, "This hand-off was locked after too many wrong tokens. Ask the operator for a new one."],
  already_redeemed: [
    410,
    "This hand-off was already collected; a link works once. If that was not you, tell the operator: the key must be rotated again.",
  ],
  revoked: [410, "The operator revoked this hand-off. Ask the operator for a new one."],
};

function refusal(kind: HandoffRefusal): NextResponse {
  const [status, message] = REFUSALS[kind];
  return refuse(status, kind, message);
}

function bearerToken(request: NextRequest): string | null {
  const match = /^Bearer ([^\s]+)$/.exec(request.headers.get("authorization")?.trim() ?? "");
  return match && TOKEN_PATTERN.test(match[1]!) ? match[1]! : null;
}

function clientOf(request: NextRequest): HandoffClient {
  return {
    address: clientAddressOf(request.headers, securitySettings().trustedProxyHops),
    userAgent: request.headers.get("user-agent"),
  };
}

/**
 * The checks both routes share, in order: id shape, body cap, token shape, the two limits.
 * Returns the refusal to answer, or what the route needs.
 */
async function admit(
  request: NextRequest,
  id: string,
): Promise<NextResponse | { token: string; client: HandoffClient }> {
  if (!HANDOFF_ID_PATTERN.test(id)) return refusal("not_found");
  if ((await readCappedBody(request, HANDOFF_BODY_MAX_BYTES)) === null)
    return refuse(413, "invalid_input", "This endpoint takes no body.");
  const token = bearerToken(request);
  if (!token)
    return refuse(
      401,
      "missing_token",
      "Send the token from the link (the part after #) as Authorization: Bearer <token>.",
      { "www-authenticate": "Bearer" },
    );
  const client = clientOf(request);
  for (const [limiter, key] of [
    [limiters().perClient, client.address ?? "direct"],
    [limiters().perHandoff, id],
  ] as const) {
    const verdict = await limiter.take(key);
    if (!verdict.allowed) {
      return refuse(429, "rate_limited", `Too many attempts. Try again in ${verdict.retryAfterSeconds} s.`, {
        "retry-after": String(verdict.retryAfterSeconds),
      });
    }
  }
  return { token, client };
}

/** A store that cannot be reached is the one 503; anything else unexpected is logged and answered as such, never with a stack. */
function unavailable(error: unknown): NextResponse {
  if (!isStoreUnavailableError(error)) log.error("a hand-off request failed", error);
  return refuse(
    503,
    "store_unavailable",
    "The console cannot reach its database right now. Try again in a moment; the hand-off was not used.",
  );
}

export function parseHandoffFormat(value: string | null): HandoffFormat | null {
  if (value === null || value === "" || value === "json") return "json";
  return value === "credentials" || value === "env" ? value : null;
}

/** The faucet URL an agent should call, when the console knows it: the remote faucet, or a demo console's own endpoint. */
export function faucetUrlFor(request: NextRequest): string | null {
  const mode = env().faucet;
  if (mode.kind === "remote") return mode.url;
  if (!isDemoMode()) return null;
  const { consoleOrigin, trustedProxyHops } = securitySettings();
  if (consoleOrigin) return `${consoleOrigin}/ai-agents/api`;
  const host = requestHost(request.headers, trustedProxyHops);
  return host ? `${request.nextUrl.protocol}//${host}/ai-agents/api` : null;
}

/** The credentials.json lightning-wallet-mcp reads (faucet-api.md §10), with the agent active. */
export function credentialsFile(apiKey: string, handoff: HandoffView, apiUrl: string | null, now = Date.now()) {
  return {
    version: 1,
    ...(apiUrl ? { api_url: apiUrl } : {}),
    active: "agent",
    agent: { api_key: apiKey, id: handoff.agentId, name: handoff.agentName, saved_at: new Date(now).toISOString() },
  };
}

export async function redeemRoute(request: NextRequest, id: string): Promise<NextResponse> {
  try {
    // The format is checked before anything is consumed: a typo must not burn the link.
    const format = parseHandoffFormat(request.nextUrl.searchParams.get("format"));
    if (!format) return refuse(400, "invalid_format", "format must be json, credentials or env.");
    const admitted = await admit(request, id);
    if (admitted instanceof NextResponse) return admitted;
    const outcome = await redeemHandoff(id, admitted.token, admitted.client);
    if (!outcome.ok) return refusal(outcome.refusal);
    if (format === "env") {
      return new NextResponse(`LIGHTNING_WALLET_API_KEY=${outcome.apiKey}\n`, {
        status: 200,
        headers: { ...NO_STORE, "content-type": "text/plain; charset=utf-8" },
      });
    }
    const body =
      format === "credentials"
        ? credentialsFile(outcome.apiKey, outcome.handoff, faucetUrlFor(request))
        : { api_key: outcome.apiKey, agent_id: outcome.handoff.agentId, agent_name: outcome.handoff.agentName };
    return NextResponse.json(body, { status: 200, headers: NO_STORE });
  } catch (error) {
    return unavailable(error);
  }
}

export async function lookupRoute(request: NextRequest, id: string): Promise<NextResponse> {
  try {
    const admitted = await admit(request, id);
    if (admitted instanceof NextResponse) return admitted;
    const outcome = await lookupHandoff(id, admitted.token, admitted.client);
    if (!outcome.ok) return refusal(outcome.refusal);
    const { handoff } = outcome;
    return NextResponse.json(
      {
        id: handoff.id,
        state: handoff.state,
        agent_id: handoff.agentId,
        agent_name: handoff.agentName,
        made_by: handoff.origin,
        created_at: new Date(handoff.createdAt).toISOString(),
        expires_at: new Date(handoff.expiresAt).toISOString(),
        redeemed_at: handoff.redeemedAt === null ? null : new Date(handoff.redeemedAt).toISOString(),
      },
      { status: 200, headers: NO_STORE },
    );
  } catch (error) {
    return unavailable(error);
  }
}
