import { NextResponse } from "next/server";
import { getFaucetClient, isFaucetError } from "@/lib/faucet";
import { destroySession, readSession } from "@/lib/session/session-store";

/**
 * Where /agents sends the user when the faucet refused the session's key: pages cannot
 * clear cookies, route handlers can. A GET any site can link to, so it is made harmless:
 * it asks the faucet itself and clears the cookie only when the faucet refuses the key.
 * A forged link to it costs one whoami and signs no one out whose key still works.
 */
export async function GET() {
  // A relative Location: request.url names the host Next listens as ("localhost"), not the
  // one the browser used, and a redirect to another host would leave the cookie behind.
  const to = (path: string) => new NextResponse(null, { status: 307, headers: { location: path, "cache-control": "no-store" } });
  const session = await readSession();
  if (!session) return to("/?reason=signed_out");
  try {
    await getFaucetClient().whoami(session.operatorKey);
  } catch (error) {
    if (isFaucetError(error) && error.kind === "invalid_key") {
      await destroySession();
      return to("/?reason=key_invalid");
    }
    // The faucet is down or misbehaving: that says nothing about the key. The agents page shows the outage.
  }
  return to("/agents");
}
