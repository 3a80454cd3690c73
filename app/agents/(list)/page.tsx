import { dehydrate, HydrationBoundary } from "@tanstack/react-query";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { Suspense } from "react";
import { AgentsScreen } from "@/components/agents/agents-screen";
import { AgentsSkeleton } from "@/components/agents/agents-skeleton";
import { StoreDownNotice } from "@/components/session/store-down-notice";
import { BULK_CONCURRENCY } from "@/lib/config/env";
import { agentsPageQuery } from "@/lib/agents/agents-page-query";
import { PAGE_SIZE, type AgentsViewState } from "@/lib/agents/agents-view";
import { loadAgentsPage } from "@/lib/agents/load-agents-page";
import { parseViewState } from "@/lib/agents/view-params";
import { isFaucetError } from "@/lib/faucet";
import { getQueryClient } from "@/lib/query-client";
import type { OperatorSession } from "@/lib/session/session-data";
import { pageSession } from "@/lib/session/page-session";
import { endSessionIfRefused } from "@/lib/session/session-store";
import { isStoreUnavailable } from "@/lib/store/store-unavailable-error";

type AgentsPageProps = { searchParams: Promise<Record<string, string | string[] | undefined>> };

/**
 * The shell goes out at once; the first page of agents streams in behind the skeleton. The
 * faucet's list grows with the operator's agents (10,000 take a while), and nothing else on
 * the page should wait for it.
 */
export default async function AgentsPage({ searchParams }: AgentsPageProps) {
  const session = await pageSession();
  if (session === null) return <StoreDownNotice title="The console cannot open your session" retryHref="/agents" />;
  const view = parseViewState(await searchParams);
  return (
    <Suspense fallback={<AgentsSkeleton />}>
      <AgentsWithFirstPage session={session} view={view} />
    </Suspense>
  );
}

/**
 * Event-loop turns React and Next take to hand the shell to the socket (Flight, then Fizz,
 * then the response stream; React's Node build moves on with setImmediate at each step).
 */
const SHELL_FLUSH_TURNS = 3;

/**
 * Waits until the shell is on its way. Loading the list is one unbroken chain of microtasks
 * with the embedded faucet (and, with any faucet, its parsing and sorting at 10,000 agents),
 * so started at once it runs ahead of the shell's flush and holds the first byte back for
 * as long as it takes. Measured on /agents, time to first byte at 10,000 agents against 10:
 * 4.1× with no wait; 1.04–1.4× with three turns (three runs, on a machine under varying load).
 */
async function afterShellFlush(): Promise<void> {
  for (let turn = 0; turn < SHELL_FLUSH_TURNS; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

async function AgentsWithFirstPage({ session, view }: { session: OperatorSession; view: AgentsViewState }) {
  const queryClient = getQueryClient();
  // The request's time, sent with the data so the browser's timers can correct its clock.
  // This component renders once per request (dynamic), so reading the clock here is pure enough.
  // eslint-disable-next-line react-hooks/purity
  const now = Date.now();
  // A server action that sets a cookie (a rotation renews the session) makes Next render this
  // page again into the action's reply, Suspense boundaries included. That render needs no
  // data: the browser's query cache holds the list and the action's result patches the row.
  // Loading it would ask the faucet twice more per rotation (measured: 3 faucet calls instead
  // of 1, ~2.4× the latency). Next 16 has no public way to tell that render from a page
  // request, nor to set a cookie without it (an opt-out, `cookies().set(…, { revalidate:
  // false })`, is only proposed: vercel/next.js discussion #98059), so this reads the
  // `Next-Action` request header that Next's own client sends with every action call. If a
  // Next upgrade renames it, the cost is those two extra faucet calls, which e2e/faults.spec.ts
  // and e2e/concurrency.spec.ts count.
  const isActionReply = (await headers()).has("next-action");
  if (!isActionReply) {
    await afterShellFlush();
    const fromFaucet = (pageView: AgentsViewState, pageIndex: number) =>
      loadAgentsPage(session, { ...pageView, offset: pageIndex * PAGE_SIZE, limit: PAGE_SIZE }, now);
    try {
      // No retry on the server: the browser retries on its own, with the error state on screen.
      await queryClient.fetchQuery({ ...agentsPageQuery(view, 0, fromFaucet), retry: false });
    } catch (error) {
      // A key the faucet refuses ends the session's row (a page cannot clear cookies, and need
      // not: a cookie whose row has ended opens nothing), unless another tab just replaced it.
      if (isFaucetError(error) && error.kind === "invalid_key") {
        redirect((await endSessionIfRefused(session)) === "key_invalid" ? "/?reason=key_invalid" : "/agents");
      }
      // Anything else: render without data; the browser shows the error state and retries.
      if (!isFaucetError(error) && !isStoreUnavailable(error)) throw error;
    }
  }
  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AgentsScreen initialView={view} initialServerNow={now} bulkConcurrency={BULK_CONCURRENCY} />
    </HydrationBoundary>
  );
}
