import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AgentsScreen } from "@/components/agents/agents-screen";
import { agentsPageKey, PAGE_SIZE } from "@/lib/agents/agents-view";
import { loadAgentsPage } from "@/lib/agents/load-agents-page";
import { parseViewState } from "@/lib/agents/view-params";
import { isFaucetError } from "@/lib/faucet";
import { getQueryClient } from "@/lib/query/get-query-client";
import { readSession } from "@/lib/session/session-store";

type AgentsPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function AgentsPage({ searchParams }: AgentsPageProps) {
  const session = await readSession();
  if (!session) redirect("/?reason=signed_out");
  const view = parseViewState(await searchParams);
  const queryClient = getQueryClient();
  // The request's time, sent with the data so the browser's timers can correct its clock.
  // This component renders once per request (dynamic), so reading the clock here is pure enough.
  // eslint-disable-next-line react-hooks/purity
  const now = Date.now();
  // A server action that renews the session cookie (a rotation) makes Next render this page
  // again into the action's reply. That render needs no data: the browser's query cache
  // holds the list and the action's result patches the row. Loading it would ask the faucet
  // twice more per rotation (measured: 3 faucet calls instead of 1, ~2.4× the latency).
  const isActionReply = (await headers()).has("next-action");
  if (!isActionReply) {
    try {
      const page = await loadAgentsPage(session, { ...view, offset: 0, limit: PAGE_SIZE }, now);
      queryClient.setQueryData(agentsPageKey(view, 0), page);
    } catch (error) {
      // A key the faucet refuses ends the session (a page cannot clear cookies; that route can).
      if (isFaucetError(error) && error.kind === "invalid_key") redirect("/api/session/expired");
      // Anything else: render without data; the browser shows the error state and retries.
      if (!isFaucetError(error)) throw error;
    }
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AgentsScreen initialView={view} initialServerNow={now} />
    </HydrationBoundary>
  );
}
