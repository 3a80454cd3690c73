import type { NextRequest } from "next/server";
import { envelopesRoute } from "@/lib/hosts/host-routes";

export const dynamic = "force-dynamic";

/** A host's waiting envelopes (lib/hosts/): an Ed25519-signed request (X-Host-Id, -Time, -Nonce, -Signature). */
export async function GET(request: NextRequest) {
  return envelopesRoute(request);
}
