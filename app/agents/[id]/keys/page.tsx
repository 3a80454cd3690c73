import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { KeyHistoryTable } from "@/components/audit/key-history-table";
import { buttonClass } from "@/components/ui/button";
import { agentListMemo } from "@/lib/faucet/agent-list-memo";
import { listKeyHistory, type KeyHistory } from "@/lib/audit/audit-query";
import { pendingStaleBefore } from "@/lib/audit/stale-pending";
import { getFaucetClient } from "@/lib/faucet";
import { log } from "@/lib/log";
import type { OperatorSession } from "@/lib/session/session-data";
import { isStoreUnavailable } from "@/lib/store/store-unavailable-error";
import { StoreDownNotice } from "@/components/session/store-down-notice";
import { pageSession } from "@/lib/session/page-session";

type KeyHistoryPageProps = { params: Promise<{ id: string }> };

const agentIdSchema = z.coerce.number().int().min(1).max(2_147_483_647);

/** The agent's name from the faucet's list (a recent one will do); null when the faucet cannot say. */
async function agentName(session: OperatorSession, agentId: number): Promise<string | null | "absent"> {
  try {
    const faucet = getFaucetClient();
    const agents = await agentListMemo().get(
      session.operatorId,
      session.operatorKey,
      () => faucet.listAgents(session.operatorKey),
      { fresh: false },
    );
    return agents.find((agent) => agent.id === agentId)?.name ?? "absent";
  } catch (error) {
    log.warn("the key history could not ask the faucet for the agent's name", error);
    return null;
  }
}

type Loaded = { kind: "store_down" } | { kind: "loaded"; name: string; history: KeyHistory };

async function loadKeyHistory(agentId: number): Promise<Loaded> {
  try {
    const session = await pageSession();
    if (session === null) return { kind: "store_down" };
    const [history, name] = await Promise.all([
      listKeyHistory(session.operatorId, agentId, pendingStaleBefore(Date.now())),
      agentName(session, agentId),
    ]);
    // A deleted agent keeps its history; an id that never had an agent or an event is not found.
    if (name === "absent" && history.entries.length === 0) notFound();
    return {
      kind: "loaded",
      name: typeof name === "string" && name !== "absent" ? name : `agent #${agentId}`,
      history,
    };
  } catch (error) {
    if (isStoreUnavailable(error)) return { kind: "store_down" };
    throw error;
  }
}

/** "Key history for {name}": every key the agent has had, from which session, with what outcome. */
export const metadata = { title: "Key history · Faucet Console" };

export default async function KeyHistoryPage({ params }: KeyHistoryPageProps) {
  const parsed = agentIdSchema.safeParse((await params).id);
  if (!parsed.success) notFound();
  const agentId = parsed.data;
  const loaded = await loadKeyHistory(agentId);
  if (loaded.kind === "store_down") {
    return <StoreDownNotice title="The key history cannot be read" retryHref={`/agents/${agentId}/keys`} />;
  }
  const { name, history } = loaded;
  return (
    <div className="flex flex-col gap-4">
      <header className="flex flex-wrap items-center justify-between gap-4 rounded-lg border border-slate-200 bg-white p-4">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Key history for {name}</h1>
          <p className="text-sm text-slate-600">
            Agent #{agentId}. Keys are shown by their first and last characters only. Times are UTC.
          </p>
        </div>
        <nav aria-label="Key history" className="flex flex-wrap gap-3">
          <Link href={`/audit?agent=${agentId}`} className={buttonClass("secondary")}>
            All events of this agent
          </Link>
          <Link href="/agents" className={buttonClass("ghost")}>
            Back to agents
          </Link>
        </nav>
      </header>
      <KeyHistoryTable agentName={name} entries={history.entries} currentId={history.currentId} />
    </div>
  );
}
