import type { NextRequest } from "next/server";
import { agentsJson } from "@/lib/agents/agents-json-route";
import { loadMatchingAgents } from "@/lib/agents/load-matching-agents";
import { parsePageRequest } from "@/lib/agents/view-params";

export const dynamic = "force-dynamic";

/** Every agent matching the view (ids, names, states): "Select all N matching" in incident mode. */
export function GET(request: NextRequest) {
  const { q, sort, dir, filter } = parsePageRequest(request.nextUrl.searchParams);
  return agentsJson((session) => loadMatchingAgents(session, { q, sort, dir, filter }));
}
