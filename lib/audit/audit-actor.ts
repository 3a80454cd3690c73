import "server-only";
import { headers } from "next/headers";
import { instanceId } from "@/lib/config/env";
import { clientAddress } from "@/lib/security/same-origin";

/** Who did something, from where: the part of an audit event that comes from the request. */
export type AuditActor = {
  /** Null only for a refused sign-in whose key named no operator. */
  operatorId: number | null;
  /** The session's one-way label (never its id), or null before a session exists. */
  sessionLabel: string | null;
  clientAddress: string | null;
  userAgent: string | null;
  instanceId: string;
};

/** A user agent is the client's own words: kept short so one request cannot bloat the log. */
const USER_AGENT_MAX = 256;
const ADDRESS_MAX = 64;

type ActorSource = { operatorId: number; label: string } | { operatorId: number | null; sessionLabel?: string | null };

/**
 * The request's actor. Outside a request (a timer, a script) there are no headers: the
 * address and user agent are then null rather than a failure, since recording must not
 * depend on where it is called from.
 */
export async function auditActor(source: ActorSource): Promise<AuditActor> {
  const sessionLabel = "label" in source ? source.label : (source.sessionLabel ?? null);
  let address: string | null = null;
  let userAgent: string | null = null;
  try {
    address = (await clientAddress()).slice(0, ADDRESS_MAX) || null;
    userAgent = (await headers()).get("user-agent")?.slice(0, USER_AGENT_MAX) || null;
  } catch {
    // No request scope.
  }
  return { operatorId: source.operatorId, sessionLabel, clientAddress: address, userAgent, instanceId: instanceId() };
}
