import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { AgentsScreen } from "@/components/agents/agents-screen";
import { onListKeyRefused } from "@/lib/agents/agents-request-session";
import { agentsPageKey, PAGE_SIZE } from "@/lib/agents/agents-view";
import { loadAgentsPage } from "@/lib/agents/load-agents-page";
import { parseViewState } from "@/lib/agents/view-params";
import { isFaucetError } from "@/lib/faucet";
import { getQueryClient } from "@/lib/query/get-query-client";
import { readSessionState, type SessionState } from "@/lib/session/session-store";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";

type AgentsPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

async function sessionOrNull(): Promise<SessionState | null> {
  try {
    return await readSessionState();
  } catch (error) {
    if (isStoreUnavailable(error)) return null;
    throw error;
  }
}

export default async function AgentsPage({ searchParams }: AgentsPageProps) {
  const state = await sessionOrNull();
  if (state === null) {
    return (
      <div role="alert" className="flex flex-col items-start gap-3 rounded-lg border border-red-300 bg-red-50 p-6 text-red-900">
        <h1 className="text-lg font-semibold">The console cannot open your session</h1>
        <p className="text-sm">{STORE_UNAVAILABLE_MESSAGE}</p>
        <a href="/agents" className="rounded-md bg-blue-700 px-3 py-2 text-sm font-medium text-white">
          Retry
        </a>
      </div>
    );
  }
  if (state.kind === "signed_out") redirect(`/?reason=${state.reason ?? "signed_out"}`);
  const { session } = state;
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
      // A key the faucet refuses ends the session, unless another tab just replaced it.
      if (isFaucetError(error) && error.kind === "invalid_key") redirect((await onListKeyRefused(session)) === "key_invalid" ? "/?reason=key_invalid" : "/agents");
      // Anything else: render without data; the browser shows the error state and retries.
      if (!isFaucetError(error) && !isStoreUnavailable(error)) throw error;
    }
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AgentsScreen initialView={view} initialServerNow={now} />
    </HydrationBoundary>
  );
}
