import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { HandoffActions } from "@/components/handoff/handoff-actions";
import { HANDOFF_ID_PATTERN } from "@/lib/handoff/handoff-crypto";
import { publicHandoff, type HandoffState } from "@/lib/handoff/handoffs";
import { isStoreUnavailable, STORE_UNAVAILABLE_MESSAGE } from "@/lib/store/store-unavailable-error";
import { formatUtcTime } from "@/lib/format-utc-time";

export const dynamic = "force-dynamic";

/** No secret here: the token stays in the fragment, so a link preview or a mail scanner that GETs this page consumes nothing. */
export const metadata: Metadata = {
  title: "Key hand-off · Faucet Console",
  referrer: "no-referrer",
  robots: { index: false, follow: false, nocache: true },
};

const STATE_WORDS: Record<HandoffState, string> = {
  waiting: "Waiting to be collected",
  redeemed: "Collected",
  expired: "Expired before it was collected",
  locked: "Locked after too many wrong tokens",
  revoked: "Revoked by the operator",
};

function minutesUntil(at: number): number {
  return Math.max(0, Math.ceil((at - Date.now()) / 60_000));
}

export default async function HandoffPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!HANDOFF_ID_PATTERN.test(id)) notFound();
  let handoff;
  try {
    handoff = await publicHandoff(id);
  } catch (error) {
    if (!isStoreUnavailable(error)) throw error;
    return <p role="alert">{STORE_UNAVAILABLE_MESSAGE}</p>;
  }
  if (!handoff) notFound();
  const minutesLeft = minutesUntil(handoff.expiresAt);
  return (
    <div className="mx-auto flex w-full max-w-2xl flex-col gap-4">
      <h1 className="text-2xl font-semibold text-slate-900">A new key for {handoff.agentName}</h1>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm text-slate-800">
        <dt className="font-medium">Agent</dt>
        <dd>
          {handoff.agentName} (id {handoff.agentId})
        </dd>
        <dt className="font-medium">State</dt>
        <dd data-testid="handoff-state">{STATE_WORDS[handoff.state]}</dd>
        {handoff.state === "waiting" && (
          <>
            <dt className="font-medium">Time left</dt>
            <dd>
              {minutesLeft} min (until {formatUtcTime(handoff.expiresAt)})
            </dd>
          </>
        )}
      </dl>
      {handoff.state === "waiting" ? (
        <HandoffActions id={handoff.id} />
      ) : (
        <p className="text-sm text-slate-700">
          This link cannot give a key any more. Ask the operator for a new hand-off.
        </p>
      )}
    </div>
  );
}
