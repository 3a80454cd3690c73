import type { NextRequest } from "next/server";
import { enrolRoute } from "@/lib/hosts/host-routes";

export const dynamic = "force-dynamic";

/** Enrols an agent host once (lib/hosts/): Authorization: Bearer <token>; body { name, sealing_public_key, signing_public_key }. */
export async function POST(request: NextRequest, { params }: { params: Promise<{ id: string }> }) {
  return enrolRoute(request, (await params).id);
}
