import { healthResponse, status } from "@/lib/ops/health";

export const dynamic = "force-dynamic";

/** Readiness plus the faucet's reachability (a warn, still 200): unauthenticated, reveals nothing else. */
export async function GET() {
  return healthResponse(await status());
}
