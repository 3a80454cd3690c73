import "server-only";
import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import type { AuditActor } from "@/lib/audit/audit-actor";
import { recordAuditEventIn } from "@/lib/audit/record-audit-event";
import { instanceId } from "@/lib/config/env";
import { hashHandoffToken, newHandoffId, newHandoffToken, tokenMatches } from "@/lib/handoff/handoff-crypto";
import { readHandoffTtlMinutes } from "@/lib/handoff/handoff-settings";
import { getStore, inStoreTransaction } from "@/lib/store/get-store";
import { agentHosts, hostEnrolments, hostEnvelopes, hostRequestNonces } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import { asStoreError } from "@/lib/store/store-unavailable-error";
import { isPublicKey, newHostId, signatureMatches, type SignedRequestParts } from "./host-crypto";

/**
 * Agent hosts: enrolment through a single-use link, disconnect, and the host's signed requests
 * (fetch its envelopes, acknowledge one). Every change and its audit event commit in one
 * transaction. A host is known by the id the console gave it at enrolment; each request it signs
 * names that id, a time within MAX_CLOCK_SKEW_MS of the console's and a nonce never seen before
 * (kept in the store, so every instance refuses a replay).
 */

/** How far a signed request's time may be from the console's clock, either way. */
export const MAX_CLOCK_SKEW_MS = 60_000;
const HOST_NAME_MAX = 100;
const ADDRESS_MAX = 64;
const USER_AGENT_MAX = 256;

/** Who is calling a host route (no session: the token or the signature is the credential). */
export type HostClient = { address: string | null; userAgent: string | null };

function hostActor(operatorId: number, client: HostClient | null, sessionLabel: string | null = null): AuditActor {
  return {
    operatorId,
    sessionLabel,
    clientAddress: client?.address?.slice(0, ADDRESS_MAX) || null,
    userAgent: client?.userAgent?.slice(0, USER_AGENT_MAX) || null,
    instanceId: instanceId(),
  };
}

const agentTarget = (agentId: number) => `agent:${agentId}` as const;

export type CreatedEnrolment = { id: string; token: string; expiresAt: number };

/** "Connect agent host": a single-use link that lives as long as a hand-off's (HANDOFF_TTL_MINUTES). */
export async function createHostEnrolment(request: {
  operatorId: number;
  agentId: number;
  agentName: string;
  sessionLabel: string;
  now?: number;
}): Promise<CreatedEnrolment> {
  const now = request.now ?? Date.now();
  const id = newHandoffId();
  const token = newHandoffToken();
  const expiresAt = new Date(now + readHandoffTtlMinutes() * 60_000);
  await inStoreTransaction((tx) =>
    tx.insert(hostEnrolments).values({
      id,
      operatorId: request.operatorId,
      agentId: request.agentId,
      agentName: request.agentName.slice(0, 200),
      sessionLabel: request.sessionLabel,
      createdAt: new Date(now),
      expiresAt,
      tokenHash: hashHandoffToken(token),
    }),
  );
  return { id, token, expiresAt: expiresAt.getTime() };
}

export type EnrolRefusal = "not_found" | "wrong_token" | "expired" | "already_used" | "invalid_keys";
export type Enrolled = { hostId: string; agentId: number; agentName: string };

/**
 * Spends an enrolment link: the host's two public keys and name become the agent's connected
 * host (a host connected before is disconnected in the same transaction: one per agent).
 */
export async function enrolHost(
  id: string,
  token: string,
  host: { name: string; sealingPublicKey: string; signingPublicKey: string },
  client: HostClient,
  now = Date.now(),
): Promise<{ ok: true; enrolled: Enrolled } | { ok: false; refusal: EnrolRefusal }> {
  if (!isPublicKey("X25519", host.sealingPublicKey) || !isPublicKey("Ed25519", host.signingPublicKey))
    return { ok: false, refusal: "invalid_keys" };
  return inStoreTransaction(async (tx) => {
    const [row] = await tx.select().from(hostEnrolments).where(eq(hostEnrolments.id, id)).for("update");
    if (!row) return { ok: false, refusal: "not_found" } as const;
    if (!tokenMatches(token, row.tokenHash)) return { ok: false, refusal: "wrong_token" } as const;
    if (row.usedAt) return { ok: false, refusal: "already_used" } as const;
    if (row.expiresAt.getTime() <= now) return { ok: false, refusal: "expired" } as const;
    const actor = hostActor(row.operatorId, client);
    const replaced = await tx
      .update(agentHosts)
      .set({ disconnectedAt: new Date(now) })
      .where(
        and(
          eq(agentHosts.operatorId, row.operatorId),
          eq(agentHosts.agentId, row.agentId),
          isNull(agentHosts.disconnectedAt),
        ),
      )
      .returning({ id: agentHosts.id });
    for (const old of replaced) {
      await tx.delete(hostEnvelopes).where(eq(hostEnvelopes.hostId, old.id));
      await recordAuditEventIn(tx, actor, {
        action: "disconnect_host",
        target: agentTarget(row.agentId),
        outcome: "ok",
      });
    }
    const hostId = newHostId();
    await tx.insert(agentHosts).values({
      id: hostId,
      operatorId: row.operatorId,
      agentId: row.agentId,
      name: host.name.slice(0, HOST_NAME_MAX),
      sealingPublicKey: host.sealingPublicKey,
      signingPublicKey: host.signingPublicKey,
      connectedAt: new Date(now),
      lastSeenAt: new Date(now),
    });
    await tx
      .update(hostEnrolments)
      .set({ usedAt: new Date(now), hostId })
      .where(eq(hostEnrolments.id, id));
    await recordAuditEventIn(tx, actor, { action: "enrol_host", target: agentTarget(row.agentId), outcome: "ok" });
    return { ok: true, enrolled: { hostId, agentId: row.agentId, agentName: row.agentName } } as const;
  });
}

/** "Disconnect host": the host then gets nothing, and its waiting envelopes are deleted. */
export async function disconnectHost(
  operatorId: number,
  agentId: number,
  sessionLabel: string,
  now = Date.now(),
): Promise<boolean> {
  return inStoreTransaction(async (tx) => {
    const disconnected = await tx
      .update(agentHosts)
      .set({ disconnectedAt: new Date(now) })
      .where(
        and(eq(agentHosts.operatorId, operatorId), eq(agentHosts.agentId, agentId), isNull(agentHosts.disconnectedAt)),
      )
      .returning({ id: agentHosts.id });
    for (const host of disconnected) {
      await tx.delete(hostEnvelopes).where(eq(hostEnvelopes.hostId, host.id));
      await recordAuditEventIn(tx, hostActor(operatorId, null, sessionLabel), {
        action: "disconnect_host",
        target: agentTarget(agentId),
        outcome: "ok",
      });
    }
    return disconnected.length > 0;
  });
}

export type SignedRequest = SignedRequestParts & { signature: string };
export type HostRefusal = "unknown_host" | "bad_signature" | "stale_time" | "replayed" | "disconnected";
export type VerifiedHost = { id: string; operatorId: number; agentId: number; name: string };

/**
 * Checks a host's signed request inside tx, in this order: the host exists, the signature is its
 * own, the time is within MAX_CLOCK_SKEW_MS, the host is still connected, the nonce is new. The
 * nonce is stored only for a request that passed every other check, so nobody can fill the table
 * without the host's private key.
 */
async function verifyIn(
  tx: StoreDatabase,
  request: SignedRequest,
  now: number,
): Promise<{ ok: true; host: VerifiedHost } | { ok: false; refusal: HostRefusal }> {
  const [host] = await tx.select().from(agentHosts).where(eq(agentHosts.id, request.hostId));
  if (!host) return { ok: false, refusal: "unknown_host" };
  if (!signatureMatches(host.signingPublicKey, request, request.signature))
    return { ok: false, refusal: "bad_signature" };
  const time = Number(request.time);
  if (!/^\d{1,15}$/.test(request.time) || Math.abs(time - now) > MAX_CLOCK_SKEW_MS)
    return { ok: false, refusal: "stale_time" };
  if (host.disconnectedAt) return { ok: false, refusal: "disconnected" };
  await tx.delete(hostRequestNonces).where(lt(hostRequestNonces.expiresAt, new Date(now)));
  const stored = await tx
    .insert(hostRequestNonces)
    .values({ hostId: host.id, nonce: request.nonce, expiresAt: new Date(time + 2 * MAX_CLOCK_SKEW_MS) })
    .onConflictDoNothing()
    .returning({ nonce: hostRequestNonces.nonce });
  if (stored.length === 0) return { ok: false, refusal: "replayed" };
  await tx
    .update(agentHosts)
    .set({ lastSeenAt: new Date(now) })
    .where(eq(agentHosts.id, host.id));
  return { ok: true, host: { id: host.id, operatorId: host.operatorId, agentId: host.agentId, name: host.name } };
}

export type EnvelopeView = {
  id: string;
  agentId: number;
  rotationId: string;
  createdAt: number;
  ephemeralPublicKey: string;
  sealedKey: string;
};

/** Envelopes handed out per request: a host that was away long gets the rest on its next poll. */
const ENVELOPES_PER_FETCH = 20;

/** A host's waiting envelopes (oldest first), each audited when first fetched. */
export async function fetchEnvelopes(
  request: SignedRequest,
  client: HostClient,
  now = Date.now(),
): Promise<{ ok: true; host: VerifiedHost; envelopes: EnvelopeView[] } | { ok: false; refusal: HostRefusal }> {
  return inStoreTransaction(async (tx) => {
    const verified = await verifyIn(tx, request, now);
    if (!verified.ok) return verified;
    const { host } = verified;
    const rows = await tx
      .select()
      .from(hostEnvelopes)
      .where(eq(hostEnvelopes.hostId, host.id))
      .orderBy(asc(hostEnvelopes.createdAt))
      .limit(ENVELOPES_PER_FETCH);
    // Audited on the first fetch only: an envelope a host cannot open is fetched again on every
    // poll, and one chained row per poll would grow the log without telling anything new.
    for (const row of rows.filter((envelope) => envelope.fetchedAt === null)) {
      await tx
        .update(hostEnvelopes)
        .set({ fetchedAt: new Date(now) })
        .where(eq(hostEnvelopes.id, row.id));
      await recordAuditEventIn(tx, hostActor(host.operatorId, client), {
        action: "fetch_host_envelope",
        target: agentTarget(row.agentId),
        outcome: "ok",
        keyLabel: row.keyLabel,
      });
    }
    return {
      ok: true,
      host,
      envelopes: rows.map((row) => ({
        id: row.id,
        agentId: row.agentId,
        rotationId: row.rotationId,
        createdAt: row.createdAt.getTime(),
        ephemeralPublicKey: row.ephemeralPublicKey,
        sealedKey: row.sealedKey,
      })),
    };
  });
}

/** The host has written the key: its envelope is deleted. Another host's envelope is not found. */
export async function acknowledgeEnvelope(
  request: SignedRequest,
  envelopeId: string,
  client: HostClient,
  now = Date.now(),
): Promise<{ ok: true } | { ok: false; refusal: HostRefusal | "envelope_not_found" }> {
  return inStoreTransaction(async (tx) => {
    const verified = await verifyIn(tx, request, now);
    if (!verified.ok) return verified;
    const { host } = verified;
    const [deleted] = await tx
      .delete(hostEnvelopes)
      .where(and(eq(hostEnvelopes.id, envelopeId), eq(hostEnvelopes.hostId, host.id)))
      .returning();
    if (!deleted) return { ok: false, refusal: "envelope_not_found" } as const;
    await recordAuditEventIn(tx, hostActor(host.operatorId, client), {
      action: "ack_host_envelope",
      target: agentTarget(deleted.agentId),
      outcome: "ok",
      keyLabel: deleted.keyLabel,
    });
    return { ok: true } as const;
  });
}

/** The agents page's view of a connected host. */
export type HostView = { name: string; connectedAt: number; lastSeenAt: number | null; waitingEnvelopes: number };

/** The connected hosts of an operator's agents, with how many envelopes each has not acknowledged. */
export async function hostViews(operatorId: number): Promise<Map<number, HostView>> {
  try {
    const { db } = await getStore();
    const rows = await db
      .select({
        agentId: agentHosts.agentId,
        name: agentHosts.name,
        connectedAt: agentHosts.connectedAt,
        lastSeenAt: agentHosts.lastSeenAt,
        waiting: sql<number>`(select count(*)::int from ${hostEnvelopes} where ${hostEnvelopes.hostId} = ${agentHosts.id})`,
      })
      .from(agentHosts)
      .where(and(eq(agentHosts.operatorId, operatorId), isNull(agentHosts.disconnectedAt)));
    return new Map(
      rows.map((row) => [
        row.agentId,
        {
          name: row.name,
          connectedAt: row.connectedAt.getTime(),
          lastSeenAt: row.lastSeenAt?.getTime() ?? null,
          waitingEnvelopes: Number(row.waiting),
        },
      ]),
    );
  } catch (error) {
    throw asStoreError(error);
  }
}
