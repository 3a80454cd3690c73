import type { NextRequest } from "next/server";
import { acknowledgeRoute } from "@/lib/hosts/host-routes";

export const dynamic = "force-dynamic";

/** Acknowledges one envelope, which is then deleted (lib/hosts/): a signed request, as for GET /api/hosts/envelopes. */
export async function POST(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  return acknowledgeRoute(request, (await params).id);
}
