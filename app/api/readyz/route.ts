import { healthResponse, readiness } from "@/lib/ops/health";

export const dynamic = "force-dynamic";

/** Readiness for the balancer: unauthenticated; the store answers and is migrated (not the faucet). */
export async function GET() {
  return healthResponse(await readiness());
}
