import type { NextRequest } from "next/server";
import { lookupRoute } from "@/lib/handoff/handoff-routes";

/** Vault's wrapping lookup: a hand-off's state for the holder of its token, consuming nothing (lib/handoff/). */
export async function GET(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  return lookupRoute(request, (await params).id);
}
