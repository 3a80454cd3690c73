import { healthResponse, liveness } from "@/lib/ops/health";

export const dynamic = "force-dynamic";

/** Liveness for the platform: unauthenticated, checks nothing but that the process answers. */
export function GET() {
  return healthResponse(liveness());
}
