import { metricsResponse } from "@/lib/ops/metrics-endpoint";

export const dynamic = "force-dynamic";

/** Prometheus metrics for a bearer of METRICS_TOKEN; 404 when it is not set. */
export function GET(request: Request) {
  return metricsResponse(request);
}
