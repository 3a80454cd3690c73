import { NextResponse, type NextRequest } from "next/server";
import { getEmbeddedFaucet } from "@/lib/emulator/embedded";
import { isEmbeddedFaucet } from "@/lib/faucet";

const MAX_BODY_BYTES = 64 * 1024;

/**
 * The embedded faucet over HTTP, at the real faucet's path, so agents and scripts can use
 * a demo console's faucet as they would the real one. Absent when FAUCET_API_URL is set.
 * It never exposes fault injection: that exists only on the stand-alone test faucet.
 */
export async function POST(request: NextRequest) {
  if (!isEmbeddedFaucet()) return NextResponse.json({ success: false, error: "Not found" }, { status: 404 });
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_BODY_BYTES) return NextResponse.json({ success: false, error: "Request body too large" }, { status: 413 });
  const bodyText = await request.text();
  if (Buffer.byteLength(bodyText) > MAX_BODY_BYTES) return NextResponse.json({ success: false, error: "Request body too large" }, { status: 413 });
  const reply = await getEmbeddedFaucet().handle({
    bodyText,
    headers: { authorization: request.headers.get("authorization") ?? undefined, "x-api-key": request.headers.get("x-api-key") ?? undefined },
  });
  return new NextResponse(reply.body, { status: reply.status, headers: { "content-type": reply.contentType, "cache-control": "no-store" } });
}
