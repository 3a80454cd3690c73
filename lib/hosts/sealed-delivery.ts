import "server-only";
import { randomBytes } from "node:crypto";
import type { AuditActor } from "@/lib/audit/audit-actor";
import { recordAuditEventIn, type AuditEventBeside } from "@/lib/audit/record-audit-event";
import type { Change } from "@/lib/changes/run-change";
import { instanceId } from "@/lib/config/env";
import type { Rotation } from "@/lib/faucet";
import { keyLabel } from "@/lib/key-label";
import type { ActionResult } from "@/lib/action-result";
import type { OperatorSession } from "@/lib/session/session-data";
import { hostEnvelopes } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import { connectedHostFor, type ConnectedHost } from "./connected-hosts";
import { sealToHost } from "./host-crypto";

/** Where a sealed key went: the page says "Delivered to <name>" instead of showing the key. */
export type HostDelivery = { hostId: string; hostName: string };

type SealRequest = {
  operatorId: number;
  agentId: number;
  rotationId: string;
  apiKey: string;
  /** "rotate:agent:<id>", "bulk:<batch>", "policy:<id>". */
  origin: string;
  /** Who rotated: a session's label, or null (a policy). */
  sessionLabel?: string | null;
  batchId?: string | null;
  /** Defaults to an actor with no request (a policy's job); a session passes its own. */
  actor?: AuditActor;
  now?: number;
};

/**
 * Seals apiKey to the agent's connected host inside tx (the rotation's closing transaction) and
 * stores the envelope with its audit event; null when the agent has no connected host. The key
 * itself is never stored: only the envelope that the host's private key opens.
 */
export async function sealForConnectedHostIn(tx: StoreDatabase, request: SealRequest): Promise<HostDelivery | null> {
  const host = await connectedHostFor(tx, request.operatorId, request.agentId);
  return host && sealForHostIn(tx, host, request);
}

/** sealForConnectedHostIn() for a host already read (one statement fewer for a rotation with no host). */
async function sealForHostIn(tx: StoreDatabase, host: ConnectedHost, request: SealRequest): Promise<HostDelivery> {
  const label = await storeEnvelopeIn(tx, host, request);
  await recordEnvelopeIn(tx, request, label);
  return { hostId: host.id, hostName: host.name };
}

/** Seals the key to the host and stores the envelope; returns the key's label. */
async function storeEnvelopeIn(tx: StoreDatabase, host: ConnectedHost, request: SealRequest): Promise<string> {
  const sealed = sealToHost(request.apiKey, host.sealingPublicKey, {
    agentId: request.agentId,
    rotationId: request.rotationId,
    hostId: host.id,
  });
  const label = keyLabel(request.apiKey);
  await tx.insert(hostEnvelopes).values({
    id: randomBytes(16).toString("base64url"),
    hostId: host.id,
    operatorId: request.operatorId,
    agentId: request.agentId,
    rotationId: request.rotationId,
    origin: request.origin,
    createdAt: new Date(request.now ?? Date.now()),
    ephemeralPublicKey: sealed.ephemeralPublicKey,
    sealedKey: sealed.sealedKey,
    keyLabel: label,
  });
  return label;
}

/** The envelope's create_host_envelope event. */
function envelopeEvent(request: SealRequest, label: string): AuditEventBeside {
  return {
    actor: request.actor ?? {
      operatorId: request.operatorId,
      sessionLabel: request.sessionLabel ?? null,
      clientAddress: null,
      userAgent: null,
      instanceId: instanceId(),
    },
    event: {
      action: "create_host_envelope",
      target: `agent:${request.agentId}`,
      outcome: "ok",
      keyLabel: label,
      batchId: request.batchId ?? null,
    },
  };
}

function recordEnvelopeIn(tx: StoreDatabase, request: SealRequest, label: string) {
  const { actor, event } = envelopeEvent(request, label);
  return recordAuditEventIn(tx, actor, event);
}

/** A rotation's reply with sealed delivery: the key is null when a host received it and nobody asked to see it. */
export type WithDelivery<Output extends { apiKey: string | null; warning: string | null }> = Omit<Output, "apiKey"> & {
  apiKey: string | null;
  delivered: HostDelivery | null;
};

const NOT_DELIVERED_WARNING =
  "The key could not be sealed for the agent's host, so it is shown here instead: copy it to the agent now.";

/**
 * Sealed delivery for a rotation (in the style of withHandoff): when the agent has a connected
 * host, the rotation's closing transaction also seals the new key to it, and the reply carries
 * "delivered to <host>" instead of the key unless the person asked to see it (showKey). If the
 * envelope cannot be stored, the rotation record still commits (a savepoint) and the key is shown:
 * a rotation that committed upstream must never lose its key.
 */
export function withSealedDelivery<Output extends { apiKey: string | null; warning: string | null }>(
  change: Change<Rotation, Output>,
  request: {
    session: OperatorSession;
    agentId: number;
    rotationId: string;
    batchId: string | null;
    /** "Show key anyway": the reply keeps the key even when a host received it. */
    showKey: boolean;
  },
): Change<Rotation, WithDelivery<Output>> {
  const settleRotation = change.settle!;
  return {
    ...change,
    settle: (rotation) => {
      const settled = settleRotation(rotation);
      const withNone = (result: ActionResult<Output>): ActionResult<WithDelivery<Output>> =>
        result.ok ? { ok: true, data: { ...result.data, delivered: null } } : result;
      const apiKey = rotation.apiKey;
      if (!apiKey || !settled.result.ok) {
        return {
          ...settled,
          result: withNone(settled.result),
          after: settled.after && (async (recorded) => withNone(await settled.after!(recorded))),
        };
      }
      let delivered: HostDelivery | null = null;
      let failed = false;
      return {
        ...settled,
        result: withNone(settled.result),
        record: async (tx) => {
          const beside = (await settled.record?.(tx)) ?? [];
          // One read for an agent with no host; the savepoint only when there is one to seal for.
          // Held (FOR SHARE) to the commit: a disconnect or re-enrolment waits, so no envelope is left for a gone host.
          const host = await connectedHostFor(tx, request.session.operatorId, request.agentId, { lock: true });
          if (!host) return beside;
          const sealing: SealRequest = {
            operatorId: request.session.operatorId,
            agentId: request.agentId,
            rotationId: request.rotationId,
            apiKey,
            origin: request.batchId ? `bulk:${request.batchId}` : `rotate:agent:${request.agentId}`,
            sessionLabel: request.session.label,
            batchId: request.batchId,
          };
          let label: string;
          try {
            // Only the envelope in the savepoint: its audit event joins the chain on the outer
            // transaction, in the completion's insert (after a hand-off's event, if there is one).
            label = await tx.transaction((savepoint) => storeEnvelopeIn(savepoint, host, sealing));
          } catch {
            failed = true;
            return beside;
          }
          delivered = { hostId: host.id, hostName: host.name };
          return [...beside, envelopeEvent(sealing, label)];
        },
        after: async (recorded) => {
          const result = settled.after ? await settled.after(recorded) : settled.result;
          if (!result.ok) return result;
          if (!recorded || !delivered) {
            const warning = failed ? [NOT_DELIVERED_WARNING, result.data.warning].filter(Boolean).join(" ") : null;
            return { ok: true, data: { ...result.data, delivered: null, ...(warning ? { warning } : {}) } };
          }
          return {
            ok: true,
            data: { ...result.data, delivered, apiKey: request.showKey ? result.data.apiKey : null },
          };
        },
      };
    },
  };
}
