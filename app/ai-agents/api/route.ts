import { NextResponse, type NextRequest } from "next/server";
import { getEmbeddedFaucet } from "@/lib/emulator/embedded";
import { isEmbeddedFaucet } from "@/lib/faucet";
import { log } from "@/lib/log";

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
  const bodyText = await readCapped(request, MAX_BODY_BYTES);
  if (bodyText === null) return NextResponse.json({ success: false, error: "Request body too large" }, { status: 413 });
  let faucet;
  try {
    faucet = getEmbeddedFaucet();
  } catch (error) {
    log.error("the embedded faucet could not start", error);
    return NextResponse.json({ success: false, error: "The embedded faucet is unavailable" }, { status: 503 });
  }
  const reply = await faucet.handle({
    bodyText,
    headers: { authorization: request.headers.get("authorization") ?? undefined, "x-api-key": request.headers.get("x-api-key") ?? undefined },
  });
  return new NextResponse(reply.body, { status: reply.status, headers: { "content-type": reply.contentType, "cache-control": "no-store" } });
}

/** The body as text, or null past `limit` bytes; stops reading there instead of buffering it all. */
async function readCapped(request: NextRequest, limit: number): Promise<string | null> {
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}
