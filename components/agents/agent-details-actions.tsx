"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { RotationDialogs } from "@/components/keys/rotation-dialogs";
import { useRotationFlow } from "@/components/keys/use-rotation-flow";
import { NowProvider, useSyncClock } from "@/components/time/now-provider";
import { Button } from "@/components/ui/button";
import type { AgentRow } from "@/lib/agents/agents-view";
import type { AgentChangeRequest } from "./lifecycle/agent-change-dialog";
import { lifecycle, RowActions } from "./lifecycle-on-demand";

type AgentDetailsActionsProps = { agent: AgentRow; serverNow: number };

/**
 * The details page's actions: "Rotate key" with the same confirmation and one-time reveal as
 * the list, and the row's "More actions" menu with its dialogs. The page's facts and events are
 * the server's: they are read again (router.refresh) once a reveal or a change dialog closes.
 */
export function AgentDetailsActions({ agent, serverNow }: AgentDetailsActionsProps) {
  return (
    <NowProvider serverNow={serverNow}>
      <Actions agent={agent} />
    </NowProvider>
  );
}

function Actions({ agent }: { agent: AgentRow }) {
  const router = useRouter();
  const syncClock = useSyncClock();
  const [deleted, setDeleted] = useState(false);
  const [changeRequest, setChangeRequest] = useState<AgentChangeRequest | null>(null);
  const lifecycleParts = lifecycle.useStatus();
  const rotation = useRotationFlow({
    onRotated: (_target, { serverNow }) => syncClock(serverNow),
    // Only once the reveal is closed: a re-render must not disturb the dialog holding the key.
    onFinished: () => router.refresh(),
  });
  const afterChange = () => {
    setChangeRequest(null);
    if (deleted) router.push("/agents");
    else router.refresh();
  };
  return (
    // data-agent-id: where the change dialog returns focus (its row's menu button), as in the list.
    <div className="flex flex-wrap items-center gap-2" data-agent-id={agent.id}>
      <Button
        variant="secondary"
        onClick={() =>
          rotation.start({
            kind: "agent",
            agentId: agent.id,
            name: agent.name,
            lastRotation: agent.lastRotation,
            hostName: agent.host?.name ?? null,
          })
        }
        aria-label={`Rotate key for ${agent.name}`}
      >
        Rotate key
      </Button>
      <RowActions agent={agent} onAction={(kind, target) => setChangeRequest({ kind, agent: target })} />
      <RotationDialogs rotation={rotation} onReload={() => router.refresh()} />
      {lifecycleParts.status === "ready" && (
        <lifecycleParts.module.AgentChangeDialog
          request={changeRequest}
          onChanged={(_agentId, change) => {
            if ("deleted" in change) setDeleted(true);
          }}
          onClose={afterChange}
          onReload={afterChange}
        />
      )}
    </div>
  );
}
