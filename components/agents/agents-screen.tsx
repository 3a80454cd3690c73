"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useCallback, useEffect, useMemo, useState } from "react";
import {
  PAGE_SIZE,
  type AgentRow,
  type AgentsPage,
  type AgentsViewState,
  type LastRotation,
} from "@/lib/agents/agents-view";
import { RotationDialogs } from "@/components/keys/rotation-dialogs";
import { KeyRevealDialog } from "@/components/keys/key-reveal-dialog";
import { HandoffsPanel } from "@/components/handoff/handoffs-panel";
import type { RevealedKey, RotationTarget } from "@/components/keys/rotation-target";
import { useRotationFlow } from "@/components/keys/use-rotation-flow";
import { NowProvider, useSyncClock } from "@/components/time/now-provider";
import { Button } from "@/components/ui/button";
import { LoadFailedDialog } from "@/components/ui/load-failed-dialog";
import { IncidentMode } from "@/components/incident/incident-mode";
import { isSelected, NOTHING_SELECTED, toggled, type Selection } from "@/components/incident/selection";
import { AgentsTable, type TableSelection } from "./agents-table";
import type { AgentChangeRequest } from "./lifecycle/agent-change-dialog";
import type { AgentChangeKind, RowChange } from "./lifecycle/agent-change-kinds";
import type { CreatedAgent } from "./lifecycle/create-agent-dialog";
import { lifecycle, LIFECYCLE_NAME } from "./lifecycle-on-demand";
import { AgentsToolbar } from "./agents-toolbar";
import { AgentsSkeleton } from "./agents-skeleton";
import { FirstRun } from "./first-run";
import { OperatorPanel } from "./operator-panel";
import { StaleDataBanner } from "./stale-data-banner";
import { useAgentPages } from "./use-agent-pages";
import { useViewInUrl } from "./use-view-in-url";

type AgentsScreenProps = { initialView: AgentsViewState; initialServerNow: number; bulkConcurrency: number };

export function AgentsScreen({ initialView, initialServerNow, bulkConcurrency }: AgentsScreenProps) {
  return (
    <NowProvider serverNow={initialServerNow}>
      <AgentsConsole initialView={initialView} bulkConcurrency={bulkConcurrency} />
    </NowProvider>
  );
}

function pagesInRange(first: number, last: number): number[] {
  const pages: number[] = [];
  for (let page = Math.floor(first / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) pages.push(page);
  return pages;
}

type RotationPatch = { cooldownUntil: number; keyTail: string | null; lastRotation: LastRotation };

function patchPages(
  page: AgentsPage | undefined,
  target: RotationTarget,
  { cooldownUntil, keyTail, lastRotation }: RotationPatch,
): AgentsPage | undefined {
  if (!page) return page;
  if (target.kind === "operator")
    return { ...page, operator: { ...page.operator, cooldownUntil, keyTail, lastRotation } };
  return {
    ...page,
    agents: page.agents.map((agent) =>
      agent.id === target.agentId ? { ...agent, cooldownUntil, rotatedKeyTail: keyTail, lastRotation } : agent,
    ),
  };
}

/** A lifecycle change shows in the row at once; a deleted agent leaves the list (the refetch recounts). */
function patchRow(page: AgentsPage | undefined, agentId: number, change: RowChange): AgentsPage | undefined {
  if (!page) return page;
  if ("deleted" in change) return { ...page, agents: page.agents.filter((agent) => agent.id !== agentId) };
  return {
    ...page,
    agents: page.agents.map((agent) => (agent.id === agentId ? { ...agent, ...change.patch } : agent)),
  };
}

function AgentsConsole({ initialView, bulkConcurrency }: { initialView: AgentsViewState; bulkConcurrency: number }) {
  const queryClient = useQueryClient();
  const syncClock = useSyncClock();
  const [view, setView] = useViewInUrl(initialView);
  const [pageIndexes, setPageIndexes] = useState<number[]>([0]);
  const [selection, setSelection] = useState<Selection>(NOTHING_SELECTED);

  const rotation = useRotationFlow({
    onRotated: (target, { rotatedAt, cooldownUntil, keyTail, sessionLabel, serverNow }) => {
      syncClock(serverNow);
      // This page now knows of its own rotation: a second confirmation from it is not "elsewhere".
      const lastRotation = { at: rotatedAt, sessionLabel };
      queryClient.setQueriesData<AgentsPage>({ queryKey: ["agents"] }, (page) =>
        patchPages(page, target, { cooldownUntil, keyTail, lastRotation }),
      );
    },
    // Refetching only now: a refetch while the key is shown must not disturb the dialog.
    onFinished: () => {
      void queryClient.invalidateQueries({ queryKey: ["agents"] });
      void queryClient.invalidateQueries({ queryKey: ["handoffs"] });
    },
  });

  const lifecycleParts = lifecycle.useStatus();
  const [creating, setCreating] = useState(false);
  // A new agent's first key, held here only until its reveal closes, like a rotation's.
  const [createdKey, setCreatedKey] = useState<RevealedKey | null>(null);
  const [changeRequest, setChangeRequest] = useState<AgentChangeRequest | null>(null);
  const startCreating = () => {
    lifecycle.load();
    setCreating(true);
  };
  const refreshAgents = useCallback(() => void queryClient.invalidateQueries({ queryKey: ["agents"] }), [queryClient]);
  const onCreated = (created: CreatedAgent) => {
    setCreating(false);
    setCreatedKey({
      target: { kind: "agent", agentId: created.agentId, name: created.name, lastRotation: null },
      apiKey: created.apiKey,
      // No rotation made it: "Hand off to agent" names the create instead (origin "create").
      attemptId: null,
      cooldownUntil: null,
      warning: null,
    });
  };
  const onChanged = (agentId: number, change: RowChange) => {
    // Cancelled first: a refetch already under way must not put the old state back.
    void queryClient.cancelQueries({ queryKey: ["agents"] });
    queryClient.setQueriesData<AgentsPage>({ queryKey: ["agents"] }, (page) => patchRow(page, agentId, change));
  };
  const startChange = useCallback((kind: AgentChangeKind, agent: AgentRow) => setChangeRequest({ kind, agent }), []);

  const { pages, firstPage, error, isFetching, updatedAt, refetch } = useAgentPages(
    view,
    pageIndexes,
    rotation.revealed !== null || createdKey !== null,
  );
  useEffect(() => {
    if (firstPage) syncClock(firstPage.serverNow);
  }, [firstPage, syncClock]);

  // A new view asks for its first page only, not for the pages the old view had scrolled to.
  const changeView = useCallback(
    (next: AgentsViewState) => {
      setPageIndexes([0]);
      // "All matching" belongs to the view it was made in; ticked agents stay ticked.
      setSelection((current) => (current.kind === "all" ? NOTHING_SELECTED : current));
      setView(next);
    },
    [setView],
  );

  const onVisibleRangeChange = useCallback((first: number, last: number) => {
    const next = pagesInRange(first, last);
    setPageIndexes((current) => (current.join() === next.join() ? current : next));
  }, []);

  const rowAt = useCallback(
    (index: number): AgentRow | undefined => pages.get(Math.floor(index / PAGE_SIZE))?.agents[index % PAGE_SIZE],
    [pages],
  );

  const { start: startRotation } = rotation;
  const startAgentRotation = useCallback(
    (agent: AgentRow) =>
      startRotation({
        kind: "agent",
        agentId: agent.id,
        name: agent.name,
        lastRotation: agent.lastRotation,
        hostName: agent.host?.name ?? null,
      }),
    [startRotation],
  );

  // While a new view loads this is still the previous view's first page (keepPreviousData).
  const shownPage = firstPage;
  const matching = shownPage?.matching ?? 0;
  // Stable, so a tick re-renders only the rows whose box changed (rows are memoised).
  const toggleAgent = useCallback((agent: AgentRow) => setSelection((current) => toggled(current, agent)), []);
  const tableSelection = useMemo<TableSelection>(
    () => ({
      isSelected: (agentId) => isSelected(selection, agentId),
      allMatching: selection.kind === "all",
      toggleAllMatching: () =>
        setSelection((current) =>
          current.kind === "all" ? NOTHING_SELECTED : { kind: "all", view, matching, except: new Set() },
        ),
    }),
    [selection, view, matching],
  );

  if (!shownPage) {
    if (error) {
      return (
        <div
          role="alert"
          className="flex flex-col items-start gap-3 rounded-lg border border-red-300 bg-red-50 p-6 text-red-900"
        >
          <h1 className="text-lg font-semibold">The agents could not be loaded</h1>
          <p className="text-sm">{error.message}</p>
          <Button onClick={() => void refetch()} disabled={isFetching}>
            Retry
          </Button>
        </div>
      );
    }
    return <AgentsSkeleton />;
  }

  const { operator } = shownPage;
  return (
    <div className="flex flex-col gap-4">
      <OperatorPanel
        operator={operator}
        onRotate={() => rotation.start({ kind: "operator", name: operator.name, lastRotation: operator.lastRotation })}
        needsAttention={shownPage.needsAttention}
        onShowAttention={() => changeView({ ...view, filter: "attention" })}
      />
      {error && <StaleDataBanner message={error.message} updatedAt={updatedAt} />}
      <div className="flex justify-end">
        <Button
          onPointerEnter={lifecycle.load}
          onFocus={lifecycle.load}
          onClick={startCreating}
          aria-busy={creating && lifecycleParts.status === "loading"}
        >
          New agent
        </Button>
      </div>
      <HandoffsPanel
        onRotateAgain={({ agentId, name }) => rotation.start({ kind: "agent", agentId, name, lastRotation: null })}
      />
      <AgentsToolbar
        view={view}
        onChange={changeView}
        matching={shownPage.matching}
        total={shownPage.total}
        needsAttention={shownPage.needsAttention}
      />
      <IncidentMode
        selection={selection}
        onClearSelection={() => setSelection(NOTHING_SELECTED)}
        concurrency={bulkConcurrency}
        onChanged={() => void queryClient.invalidateQueries({ queryKey: ["agents"] })}
      />
      {shownPage.total === 0 ? (
        <FirstRun onCreate={startCreating} busy={creating && lifecycleParts.status === "loading"} />
      ) : shownPage.matching === 0 ? (
        <p className="rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-700">
          No agents match this search and filter.
        </p>
      ) : (
        // A new view starts at its top, with a fresh virtualiser.
        <AgentsTable
          key={JSON.stringify(view)}
          rowCount={shownPage.matching}
          rowAt={rowAt}
          onVisibleRangeChange={onVisibleRangeChange}
          onRotate={startAgentRotation}
          selection={tableSelection}
          onToggle={toggleAgent}
          onAction={startChange}
        />
      )}
      <RotationDialogs
        rotation={rotation}
        onReload={() => void queryClient.invalidateQueries({ queryKey: ["agents"] })}
      />
      {lifecycleParts.status === "ready" && (
        <lifecycleParts.module.CreateAgentDialog
          open={creating}
          onOpenChange={setCreating}
          onCreated={onCreated}
          onReload={() => {
            setCreating(false);
            refreshAgents();
          }}
        />
      )}
      {creating && (
        <LoadFailedDialog
          what={LIFECYCLE_NAME}
          state={lifecycleParts}
          onRetry={lifecycle.retry}
          onCancel={() => setCreating(false)}
        />
      )}
      {createdKey && (
        <KeyRevealDialog
          revealed={createdKey}
          onClose={() => {
            setCreatedKey(null);
            refreshAgents();
          }}
        />
      )}
      {/* A change is asked for from the row menu, which is in the same part: it is loaded by then. */}
      {lifecycleParts.status === "ready" && (
        <lifecycleParts.module.AgentChangeDialog
          request={changeRequest}
          onChanged={onChanged}
          onClose={() => {
            setChangeRequest(null);
            refreshAgents();
          }}
          onReload={() => {
            setChangeRequest(null);
            refreshAgents();
          }}
        />
      )}
    </div>
  );
}
