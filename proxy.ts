import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy } from "@/lib/security/content-security-policy";
import { originMatchesHost, requestHost } from "@/lib/security/origin";

/**
 * Security headers on every response, and a fresh CSP nonce per request. Authorisation
 * is not done here: every page, route and action checks the session itself.
 */
export async function proxy(request: NextRequest) {
  if (isForeignActionCall(request)) {
    return NextResponse.json({ ok: false, code: "forbidden_origin", message: "This request did not come from the console's own page." }, { status: 403 });
  }
  if (await isMalformedActionCall(request)) {
    return NextResponse.json({ ok: false, code: "invalid_input", message: "The request was malformed." }, { status: 400 });
  }
  const nonce = Buffer.from(crypto.randomUUID()).toString("base64");
  const policy = contentSecurityPolicy(nonce, { development: process.env.NODE_ENV === "development" });

  // Next.js reads the nonce from the request's CSP header and puts it on its own scripts.
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("content-security-policy", policy);

  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("content-security-policy", policy);
  // Not no-referrer: with it, browsers send "Origin: null" on POSTs and the origin check refuses them.
  response.headers.set("referrer-policy", "strict-origin-when-cross-origin");
  response.headers.set("x-content-type-options", "nosniff");
  response.headers.set("x-frame-options", "DENY");
  response.headers.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
  if (process.env.NODE_ENV === "production") {
    response.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  }
  // Console pages carry account data: never store them in any cache.
  response.headers.set("cache-control", "no-store");
  return response;
}

/**
 * Next.js refuses an action whose Origin names another host, but with a 500. A plain 403
 * says what happened. (A missing Origin is refused by the actions themselves.)
 */
function isForeignActionCall(request: NextRequest): boolean {
  if (request.method !== "POST" || !request.headers.has("next-action")) return false;
  const origin = request.headers.get("origin");
  return origin !== null && !originMatchesHost(origin, requestHost(request.headers));
}

/**
 * Next.js answers a server-action call whose body is not a JSON array with a 500. Actions
 * are public endpoints, so garbage gets a plain 400 here instead; the action and its own
 * validation never see it.
 */
async function isMalformedActionCall(request: NextRequest): Promise<boolean> {
  if (request.method !== "POST" || !request.headers.has("next-action")) return false;
  if (!request.headers.get("content-type")?.startsWith("text/plain")) return false;
  try {
    // React encodes an action's arguments as a JSON array; anything else is not a real call.
    return !Array.isArray(JSON.parse(await request.clone().text()));
  } catch {
    return true;
  }
}

export const config = {
  matcher: [{ source: "/((?!_next/static|_next/image|favicon.ico).*)" }],
};
