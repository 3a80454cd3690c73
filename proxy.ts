import { NextResponse, type NextRequest } from "next/server";
import { securitySettings } from "@/lib/config/env";
import { isDraining } from "@/lib/in-flight";
import { readCappedBody } from "@/lib/http";
import { ACTION_BODY_MAX_BYTES, REQUEST_BODY_MAX_BYTES } from "@/lib/security/body-limits";
import { contentSecurityPolicy } from "@/lib/security/content-security-policy";
import { isOwnOrigin } from "@/lib/security/origin";

/**
 * Security headers on every response, and a fresh CSP nonce per request. Authorisation
 * is not done here: every page, route and action checks the session itself.
 */
export async function proxy(request: NextRequest) {
  // After SIGTERM (lib/ops/shutdown.ts): nothing new starts here; the probes still answer (readyz: fail).
  if (isDraining() && !PROBES.has(request.nextUrl.pathname)) return shuttingDown();
  // Before anything else, and before any session or store is consulted: no body larger than
  // the console could need is read by anyone.
  if (declaredLength(request) > (isActionCall(request) ? ACTION_BODY_MAX_BYTES : REQUEST_BODY_MAX_BYTES))
    return tooLarge();
  if (isForeignActionCall(request)) {
    return NextResponse.json(
      { ok: false, code: "forbidden_origin", message: "This request did not come from the console's own page." },
      { status: 403 },
    );
  }
  const actionBody = await checkActionBody(request);
  if (actionBody === "too_large") return tooLarge();
  if (actionBody === "malformed") {
    return NextResponse.json(
      { ok: false, code: "invalid_input", message: "The request was malformed." },
      { status: 400 },
    );
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const policy = contentSecurityPolicy(nonce, { development: process.env.NODE_ENV === "development" });

  // Next.js reads the nonce from the request's CSP header and puts it on its own scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);
  // Every log line of this request carries it (lib/log.ts), and the response names it for the operator.
  const requestId = requestIdFor(request);
  requestHeaders.set("x-request-id", requestId);

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  // Not no-referrer: with it, browsers send "Origin: null" on POSTs and the origin check refuses them.
  // Hand-off pages and routes make no server action and must leak nothing in a Referer: no-referrer there.
  response.headers.set("referrer-policy", isHandoffPath(request) ? "no-referrer" : "strict-origin-when-cross-origin");
  if (isHandoffPath(request)) response.headers.set("x-robots-tag", "noindex, nofollow");
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("x-frame-options", "DENY");
  response.headers.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
  if (process.env.NODE_ENV === "production") {
    response.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  }
  // Console pages carry account data: never store them in any cache.
  response.headers.set("cache-control", "no-store");
  response.headers.set("x-request-id", requestId);
  return response;
}

const FORWARDED_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * The request's id: the one a declared proxy (TRUSTED_PROXY_HOPS) sent, if it is a plain token,
 * so the balancer's and the console's lines match; otherwise a new UUID. A client cannot set it
 * directly: it would let anyone write what they like into every line of their requests.
 */
function requestIdFor(request: NextRequest): string {
  const forwarded = request.headers.get("x-request-id");
  if (forwarded !== null && securitySettings().trustedProxyHops > 0 && FORWARDED_REQUEST_ID.test(forwarded))
    return forwarded;
  return crypto.randomUUID();
}

const PROBES = new Set(["/api/healthz", "/api/readyz"]);

function shuttingDown() {
  return NextResponse.json(
    { ok: false, code: "shutting_down", message: "This console instance is shutting down. Try again in a moment." },
    { status: 503, headers: { "cache-control": "no-store", connection: "close", "retry-after": "1" } },
  );
}

/** The hand-off page, its receiver script and its API (lib/handoff/), and the agent hosts' API (lib/hosts/): reached with no session. */
const isHandoffPath = (request: NextRequest) => /^\/(?:api\/)?(?:handoff|hosts)(?:\/|$)/.test(request.nextUrl.pathname);

const isActionCall = (request: NextRequest) => request.method === "POST" && request.headers.has("next-action");

/** The declared body length; 0 when none is declared (a chunked body is capped while it is read). */
function declaredLength(request: NextRequest): number {
  const declared = Number(request.headers.get("content-length") ?? 0);
  return Number.isFinite(declared) ? declared : Number.MAX_SAFE_INTEGER;
}

function tooLarge() {
  return NextResponse.json(
    { ok: false, code: "invalid_input", message: "The request is too large for the console." },
    { status: 413, headers: { "cache-control": "no-store" } },
  );
}

/**
 * Next.js refuses an action whose Origin names another host, but with a 500. A plain 403
 * says what happened. (A missing Origin is refused by the actions themselves.) Host, or
 * X-Forwarded-Host only behind declared proxies, or CONSOLE_ORIGIN when set.
 */
function isForeignActionCall(request: NextRequest): boolean {
  if (!isActionCall(request)) return false;
  const origin = request.headers.get("origin");
  return origin !== null && !isOwnOrigin(origin, request.headers, securitySettings());
}

/**
 * An action's body, read at most to ACTION_BODY_MAX_BYTES: one sent without a length
 * (chunked) and running past it is "too_large", read no further. Next.js answers a call
 * whose text body is not a JSON array with a 500; actions are public endpoints, so garbage
 * is "malformed" (a plain 400) and the action never sees it.
 */
async function checkActionBody(request: NextRequest): Promise<"ok" | "too_large" | "malformed"> {
  if (!isActionCall(request)) return "ok";
  const isText = request.headers.get("content-type")?.startsWith("text/plain") ?? false;
  // A declared length was checked above; only a text body needs reading then.
  if (!isText && request.headers.has("content-length")) return "ok";
  const text = await readCappedBody(request.clone(), ACTION_BODY_MAX_BYTES);
  if (text === null) return "too_large";
  if (!isText) return "ok";
  try {
    // React encodes an action's arguments as a JSON array; anything else is not a real call.
    return Array.isArray(JSON.parse(text)) ? "ok" : "malformed";
  } catch {
    return "malformed";
  }
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
