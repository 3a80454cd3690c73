import "server-only";
import { z } from "zod";
import { failure, faucetFailure, type ActionResult } from "@/lib/action-result";
import { claimBulkCall, releaseBulkCall } from "@/lib/changes/bulk-runs";
import { getFaucetClient, isFaucetError } from "@/lib/faucet";
import { agentListMemo } from "@/lib/faucet/agent-list-memo";
import { storeRateLimiter } from "@/lib/security/limits";
import { authenticatedAction } from "@/lib/session/authenticated-action";
import type { OperatorSession } from "@/lib/session/session-data";
import { inStoreTransaction } from "@/lib/store/get-store";
import { createHostEnrolment, type CreatedEnrolment } from "./hosts";

/**
 * "Connect agent host", from an agent's menu (the "use server" action in lib/actions/agent-hosts.ts)
 * and for a selection in incident mode (POST /api/bulk/connect-agent-host): one single-use
 * enrolment link per agent, made the same way. Nothing changes at the faucet; the link's use is
 * what is audited (`enrol_host`), as for a single one.
 */

export const connectHostSchema = z.strictObject({
  agentId: z.number().int().positive().max(2_147_483_647),
  agentName: z.string().trim().min(1).max(200),
});

/** A link for an agent of this operator only (the faucet's list, reused if fetched in the last seconds). */
export async function connectHostFor(
  session: OperatorSession,
  input: z.output<typeof connectHostSchema>,
): Promise<ActionResult<CreatedEnrolment>> {
  try {
    const agents = await agentListMemo().get(
      session.operatorId,
      session.operatorKey,
      () => getFaucetClient().listAgents(session.operatorKey),
      { fresh: false },
    );
    if (!agents.some((agent) => agent.id === input.agentId))
      return failure("not_found", "This agent is not in your list any more. Reload the list.");
  } catch (error) {
    if (isFaucetError(error)) return faucetFailure(error);
    throw error;
  }
  return {
    ok: true,
    data: await createHostEnrolment({
      operatorId: session.operatorId,
      agentId: input.agentId,
      agentName: input.agentName,
      sessionLabel: session.label,
    }),
  };
}

export const bulkConnectHostSchema = connectHostSchema.extend({ batchId: z.string().uuid() });

const UNKNOWN_BATCH = failure(
  "invalid_input",
  "This run is not one the console started for you, has expired, or has made all its links. Start it again.",
);

/**
 * Incident mode's "Connect agent hosts": a link per call, on the bulk budget (RATE_LIMIT_BULK_CALLS,
 * as a bulk rotation spends it) and within a run the server issued to this operator for this kind.
 */
export const bulkConnectAgentHost = authenticatedAction(bulkConnectHostSchema, async ({ session, input }) => {
  const limit = await storeRateLimiter("bulk-calls").take(`operator:${session.operatorId}`);
  if (!limit.allowed)
    return failure("rate_limited", `Too many bulk calls in a minute. Try again in ${limit.retryAfterSeconds} s.`, {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  const claimed = await inStoreTransaction((tx) =>
    claimBulkCall(tx, {
      batchId: input.batchId,
      operatorId: session.operatorId,
      kind: "connect-host",
      now: Date.now(),
    }),
  );
  if (!claimed) return UNKNOWN_BATCH;
  // A call that made no link gives its place in the run back: the run may send this agent again
  // (after the faucet's rate limit, say), as a refused bulk rotation may.
  const release = () => inStoreTransaction((tx) => releaseBulkCall(tx, input.batchId));
  let made: ActionResult<CreatedEnrolment>;
  try {
    made = await connectHostFor(session, { agentId: input.agentId, agentName: input.agentName });
  } catch (error) {
    await release().catch(() => {});
    throw error;
  }
  if (!made.ok) await release();
  return made;
});
