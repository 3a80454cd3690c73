import type { NextRequest } from "next/server";
import { redeemRoute } from "@/lib/handoff/handoff-routes";

/** Collects a hand-off's key, once (lib/handoff/): Authorization: Bearer <token>; ?format=json|credentials|env. */
export async function POST(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  return redeemRoute(request, (await params).id);
}
