import "server-only";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { agentHosts } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";

/** An agent's connected host, as the sealing and the policies need it (public keys only). */
export type ConnectedHost = {
  id: string;
  agentId: number;
  name: string;
  sealingPublicKey: string;
  signingPublicKey: string;
  connectedAt: Date;
  lastSeenAt: Date | null;
};

const connectedColumns = {
  id: agentHosts.id,
  agentId: agentHosts.agentId,
  name: agentHosts.name,
  sealingPublicKey: agentHosts.sealingPublicKey,
  signingPublicKey: agentHosts.signingPublicKey,
  connectedAt: agentHosts.connectedAt,
  lastSeenAt: agentHosts.lastSeenAt,
};

/** The agent's connected host, or null: a disconnected host is as good as none. */
export async function connectedHostFor(
  db: StoreDatabase,
  operatorId: number,
  agentId: number,
  options: { lock?: boolean } = {},
): Promise<ConnectedHost | null> {
  const query = db
    .select(connectedColumns)
    .from(agentHosts)
    .where(
      and(eq(agentHosts.operatorId, operatorId), eq(agentHosts.agentId, agentId), isNull(agentHosts.disconnectedAt)),
    )
    .limit(1);
  const [host] = options.lock ? await query.for("share") : await query;
  return host ?? null;
}

/** The connected hosts of many agents at once, by agent id (one query for a page or a policy run). */
export async function connectedHostsFor(
  db: StoreDatabase,
  operatorId: number,
  agentIds?: readonly number[],
): Promise<Map<number, ConnectedHost>> {
  if (agentIds && agentIds.length === 0) return new Map();
  const rows = await db
    .select(connectedColumns)
    .from(agentHosts)
    .where(
      and(
        eq(agentHosts.operatorId, operatorId),
        isNull(agentHosts.disconnectedAt),
        agentIds ? inArray(agentHosts.agentId, [...agentIds]) : undefined,
      ),
    );
  return new Map(rows.map((host) => [host.agentId, host]));
}
