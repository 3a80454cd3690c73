import { isKeylessRequest, type EmulatorRequest } from "faucet-emulator";
import { NextResponse, type NextRequest } from "next/server";
import { isDemoMode, securitySettings } from "@/lib/config/env";
import { getEmbeddedFaucet } from "@/lib/faucet/embedded-transport";
import { isJsonContentType, readCappedBody } from "@/lib/http";
import { log } from "@/lib/log";
import { demoKeylessLimiter } from "@/lib/security/demo-endpoint";
import { clientAddressOf } from "@/lib/security/origin";

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The embedded faucet over HTTP, at the real faucet's path, so agents and scripts can use
 * a demo console's faucet as they would the real one. Present only in demo mode (see
 * lib/config/env.ts). It never exposes fault injection: that exists only on the
 * stand-alone test faucet.
 */
export async function POST(request: NextRequest) {
  if (!isDemoMode()) return NextResponse.json({ success: false, error: "Not found" }, { status: 404 });
  if (!isJsonContentType(request.headers.get("content-type"))) {
    return NextResponse.json({ success: false, error: "Content-Type must be application/json" }, { status: 415 });
  }
  const bodyText = await readCappedBody(request, MAX_BODY_BYTES);
  if (bodyText === null) return NextResponse.json({ success: false, error: "Request body too large" }, { status: 413 });
  const settings = securitySettings();
  const call: EmulatorRequest = {
    bodyText,
    headers: {
      authorization: request.headers.get("authorization") ?? undefined,
      "x-api-key": request.headers.get("x-api-key") ?? undefined,
    },
  };
  if (isKeylessRequest(call)) {
    const verdict = demoKeylessLimiter(settings.demoKeylessCallsPerClient).take(
      clientAddressOf(request.headers, settings.trustedProxyHops),
    );
    if (!verdict.allowed) {
      return NextResponse.json(
        {
          success: false,
          error_code: "rate_limited",
          error: `Too many calls without a key from this address; retry in ${verdict.retryAfterSeconds} s.`,
          retry_after: verdict.retryAfterSeconds,
        },
        { status: 429, headers: { "retry-after": String(verdict.retryAfterSeconds) } },
      );
    }
  }
  let faucet;
  try {
    faucet = getEmbeddedFaucet();
  } catch (error) {
    log.error("the embedded faucet could not start", error);
    return NextResponse.json({ success: false, error: "The embedded faucet is unavailable" }, { status: 503 });
  }
  const reply = await faucet.handle(call);
  return new NextResponse(reply.body, {
    status: reply.status,
    headers: { "content-type": reply.contentType, "cache-control": "no-store" },
  });
}
