"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { revokeHandoffAction } from "@/lib/actions/hand-off-key";
import { BACKGROUND_REQUEST_HEADER } from "@/lib/session/background-request";
import { formatUtcTime } from "@/lib/format-utc-time";

type HandoffRow = {
  id: string;
  agentId: number;
  agentName: string;
  state: "waiting" | "redeemed" | "expired" | "locked" | "revoked";
  expiresAt: number;
  redeemedAt: number | null;
  redeemedAddress: string | null;
  alarm: "collected_twice" | "locked" | "expired_unredeemed" | null;
};

type Listing = { serverNow: number; handoffs: HandoffRow[] };

async function fetchHandoffs(): Promise<Listing> {
  const response = await fetch("/api/handoffs", { headers: { [BACKGROUND_REQUEST_HEADER]: "1" }, cache: "no-store" });
  if (!response.ok)
    throw new Error(
      ((await response.json().catch(() => ({}))) as { message?: string }).message ??
        "The hand-offs could not be loaded.",
    );
  return (await response.json()) as Listing;
}

function stateWords(row: HandoffRow, now: number): string {
  const collected = `at ${formatUtcTime(row.redeemedAt ?? 0)}${row.redeemedAddress ? ` from ${row.redeemedAddress}` : ""}`;
  if (row.alarm === "collected_twice") return `collected twice (first ${collected})`;
  switch (row.state) {
    case "waiting":
      return `waiting (${Math.max(0, Math.ceil((row.expiresAt - now) / 60_000))} min left)`;
    case "redeemed":
      return `collected ${collected}`;
    default:
      return row.state;
  }
}

function alarmWords(row: HandoffRow): string {
  if (row.alarm === "collected_twice")
    return `The hand-off for ${row.agentName} was collected twice: the link may have leaked. Rotate again.`;
  if (row.alarm === "locked")
    return `The hand-off for ${row.agentName} was locked after too many wrong tokens: someone is guessing. Rotate again.`;
  return `The hand-off for ${row.agentName} expired before it was collected: the agent may still hold no working key. Rotate again.`;
}

/**
 * The agents page's hand-offs of the last day: each one's state (waiting, collected, expired,
 * locked, collected twice), Revoke for a waiting one, and an alarm with Rotate again for a link
 * that was replayed, locked or left to expire. Polled every 10 s; it holds no key and no token.
 */
export function HandoffsPanel({
  onRotateAgain,
}: {
  onRotateAgain: (agent: { agentId: number; name: string }) => void;
}) {
  const queryClient = useQueryClient();
  const { data } = useQuery({ queryKey: ["handoffs"], queryFn: fetchHandoffs, refetchInterval: 10_000 });
  const revoke = useMutation({
    mutationFn: (id: string) => revokeHandoffAction({ id }),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: ["handoffs"] }),
  });
  if (!data || data.handoffs.length === 0) return null;
  const now = data.serverNow;
  // The newest alarm per agent: a later hand-off for the same agent supersedes it.
  const latestPerAgent = new Map<number, HandoffRow>();
  for (const row of data.handoffs) if (!latestPerAgent.has(row.agentId)) latestPerAgent.set(row.agentId, row);
  const alarms = [...latestPerAgent.values()].filter((row) => row.alarm !== null);
  return (
    <section aria-label="Hand-offs" className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4">
      {alarms.map((row) => (
        <div
          key={row.id}
          role="alert"
          className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900"
        >
          <span>{alarmWords(row)}</span>
          <Button variant="danger" onClick={() => onRotateAgain({ agentId: row.agentId, name: row.agentName })}>
            Rotate again
          </Button>
        </div>
      ))}
      <h2 className="text-sm font-semibold text-slate-900">Hand-offs (last 24 hours)</h2>
      <ul className="flex flex-col gap-1 text-sm text-slate-800">
        {[...latestPerAgent.values()].map((row) => (
          <li key={row.id} aria-label={`Hand-off for ${row.agentName}`} className="flex flex-wrap items-center gap-2">
            <span className="font-medium">{row.agentName}</span>
            <span data-testid="handoff-row-state">{stateWords(row, now)}</span>
            {row.state === "waiting" && (
              <Button variant="ghost" onClick={() => revoke.mutate(row.id)} disabled={revoke.isPending}>
                Revoke
              </Button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
