import { NextResponse, type NextRequest } from "next/server";
import { destroySession } from "@/lib/session/session-store";

/**
 * Where a page sends the user when the faucet stopped accepting the session's key: pages
 * cannot clear cookies, route handlers can. Clearing is all it does, so a forged link to
 * it can at worst sign someone out.
 */
export async function GET(request: NextRequest) {
  await destroySession();
  return NextResponse.redirect(new URL("/?reason=key_invalid", request.url), { headers: { "cache-control": "no-store" } });
}
