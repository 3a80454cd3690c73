import type { NextRequest } from "next/server";
import { agentsJson } from "@/lib/agents/agents-json-route";
import { loadAgentsPage } from "@/lib/agents/load-agents-page";
import { parsePageRequest } from "@/lib/agents/view-params";

export const dynamic = "force-dynamic";

/** One page of the agents table, for react-query in the browser. */
export function GET(request: NextRequest) {
  // Page requests come in bursts while scrolling: they may share a list from the last seconds.
  return agentsJson((session) =>
    loadAgentsPage(session, parsePageRequest(request.nextUrl.searchParams), Date.now(), { reuseRecentList: true }),
  );
}
