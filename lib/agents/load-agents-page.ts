import "server-only";
import { getFaucetClient } from "@/lib/faucet";
import { hostViews } from "@/lib/hosts/hosts";
import { latestRotations, type RecordedRotation } from "@/lib/keys/rotation-attempts";
import { agentCooldownMap } from "@/lib/session/cookie-cooldowns";
import type { OperatorSession } from "@/lib/session/session-data";
import { agentListMemo } from "@/lib/faucet/agent-list-memo";
import type { AgentRow, AgentsPage } from "./agents-view";
import type { AgentsPageRequest } from "./view-params";
import { getStore } from "@/lib/store/get-store";
import { asStoreError } from "@/lib/store/store-unavailable-error";
import { agentFlags } from "./key-age";
import { keyMaxAgeDays } from "./key-max-age-days";
import { pastPolicy, pastPolicyIds } from "./policy-standing";
import { shapeAgents } from "./shape-agents";

/** The later of two cooldown ends, ignoring those already over. */
function activeUntil(now: number, ...ends: (number | null | undefined)[]): number | null {
  const latest = Math.max(0, ...ends.map((end) => end ?? 0));
  return latest > now ? latest : null;
}

function lastRotationOf(recorded: RecordedRotation | undefined) {
  return recorded ? { at: recorded.at, sessionLabel: recorded.sessionLabel } : null;
}

/** "agent_…9f3a" → "9f3a", while that rotation's cooldown lasts. */
function recordedTail(recorded: RecordedRotation | undefined, now: number): string | null {
  if (!recorded?.keyLabel || (recorded.cooldownUntil ?? 0) <= now) return null;
  const tail = recorded.keyLabel.slice(-4).toLowerCase();
  return /^[0-9a-f]{4}$/.test(tail) ? tail : null;
}

/**
 * The operator's agents as the table shows them: the faucet's list merged with the timers
 * of this browser's cookie and with every rotation the store recorded for the operator, so
 * a rotation made in another tab, browser or instance shows its timer here too. Also the
 * recorded rotations, for the operator's own row. Throws FaucetError.
 * `reuseRecentList` lets a request use a list fetched in the last seconds (agent-list-memo.ts).
 * `withPastPolicy` (the filter "Keys past their policy" only) also reads which agents are past
 * their rotation policy, as /agents/policies does; else `pastPolicy` is null.
 */
export async function loadAgentRows(
  session: OperatorSession,
  now: number,
  { reuseRecentList = false, withPastPolicy = false }: { reuseRecentList?: boolean; withPastPolicy?: boolean } = {},
) {
  const faucet = getFaucetClient();
  const [agents, recorded, hosts] = await Promise.all([
    agentListMemo().get(session.operatorId, session.operatorKey, () => faucet.listAgents(session.operatorKey), {
      fresh: !reuseRecentList,
    }),
    latestRotations(session.operatorId),
    hostViews(session.operatorId),
  ]);
  const rotations = agentCooldownMap(session, now);
  const maxAgeDays = keyMaxAgeDays();
  const rows: AgentRow[] = agents.map((agent) => {
    const rotation = rotations.get(agent.id);
    const record = recorded.get(`agent:${agent.id}`);
    const lastRotation = lastRotationOf(record);
    return {
      id: agent.id,
      name: agent.name,
      balanceSats: agent.balanceSats,
      isActive: agent.isActive,
      budgetLimitSats: agent.budgetLimitSats,
      cooldownUntil: activeUntil(now, agent.cooldownUntil, rotation?.until, record?.cooldownUntil),
      rotatedKeyTail: recordedTail(record, now) ?? rotation?.keyTail ?? null,
      lastRotation,
      createdAt: agent.createdAt,
      flags: agentFlags({ ...agent, lastRotation }, now, maxAgeDays),
      host: hosts.get(agent.id) ?? null,
    };
  });
  return { rows, recorded, pastPolicy: withPastPolicy ? await pastPolicyOf(session.operatorId, rows, now) : null };
}

async function pastPolicyOf(operatorId: number, rows: readonly AgentRow[], now: number): Promise<Set<number>> {
  try {
    const { db } = await getStore();
    return pastPolicyIds(await pastPolicy(db, operatorId, rows, now));
  } catch (error) {
    throw asStoreError(error);
  }
}

/**
 * One page of the agents table (see loadAgentRows) with the operator's summary. Callers
 * decide whether a FaucetError means "signed out" or "faucet down"; whoami is always asked,
 * so a revoked key still ends the session even when the list is reused.
 */
export async function loadAgentsPage(
  session: OperatorSession,
  request: AgentsPageRequest,
  now = Date.now(),
  options: { reuseRecentList?: boolean } = {},
): Promise<AgentsPage> {
  const [whoami, { rows, recorded, pastPolicy }] = await Promise.all([
    getFaucetClient().whoami(session.operatorKey),
    loadAgentRows(session, now, { ...options, withPastPolicy: request.filter === "past-policy" }),
  ]);
  const shaped = shapeAgents(rows, request, pastPolicy);
  return {
    serverNow: now,
    operator: {
      id: whoami.id,
      name: whoami.name,
      balanceSats: whoami.balanceSats,
      cooldownUntil: activeUntil(
        now,
        whoami.cooldownUntil,
        session.operatorCooldownUntil,
        recorded.get("operator")?.cooldownUntil,
      ),
      keyTail: session.operatorKeyTail,
      lastRotation: lastRotationOf(recorded.get("operator")),
    },
    agents: shaped.slice(request.offset, request.offset + request.limit),
    matching: shaped.length,
    total: rows.length,
    needsAttention: rows.reduce((count, row) => count + (row.flags.length > 0 ? 1 : 0), 0),
  };
}
