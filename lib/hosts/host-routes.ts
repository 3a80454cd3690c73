import "server-only";
import { NextResponse, type NextRequest } from "next/server";
import { z } from "zod";
import { securitySettings } from "@/lib/config/env";
import { HANDOFF_ID_PATTERN, TOKEN_PATTERN } from "@/lib/handoff/handoff-crypto";
import { faucetUrlFor } from "@/lib/handoff/handoff-routes";
import { readHandoffRateLimit } from "@/lib/handoff/handoff-settings";
import { isJsonContentType, readCappedBody } from "@/lib/http";
import { log } from "@/lib/log";
import { clientAddressOf } from "@/lib/security/origin";
import { createStoreRateLimiter, type StoreRateLimiter } from "@/lib/security/store-rate-limiter";
import { isStoreUnavailableError } from "@/lib/store/store-unavailable-error";
import { HOST_ID_PATTERN, NONCE_PATTERN, PUBLIC_KEY_PATTERN, SIGNATURE_PATTERN } from "./host-crypto";
import {
  acknowledgeEnvelope,
  enrolHost,
  fetchEnvelopes,
  type EnrolRefusal,
  type HostClient,
  type HostRefusal,
  type SignedRequest,
} from "./hosts";

/**
 * The agent host's three HTTP routes (no session): enrol (the enrolment link's bearer token is
 * the credential), and fetch and acknowledge envelopes (an Ed25519 signature over the request,
 * its time and a fresh nonce is). Rate-limited per client address in the store before anything
 * else, small bodies only, typed JSON with no-store; never a 5xx but the store's 503.
 */

/** Enrolment's body (a name and two public keys) fits easily; the signed routes take none. */
export const HOST_BODY_MAX_BYTES = 2048;
/** Signed requests per client address and minute: a host polling every second stays well inside. */
const SIGNED_REQUESTS_PER_CLIENT = 600;

type Limiters = { enrol: StoreRateLimiter; signed: StoreRateLimiter };
const globalForHosts = globalThis as { hostLimiters?: Limiters };

function limiters(): Limiters {
  globalForHosts.hostLimiters ??= {
    enrol: createStoreRateLimiter({ keyPrefix: "host-enrol", points: readHandoffRateLimit(), durationSeconds: 60 }),
    signed: createStoreRateLimiter({
      keyPrefix: "host-signed",
      points: SIGNED_REQUESTS_PER_CLIENT,
      durationSeconds: 60,
    }),
  };
  return globalForHosts.hostLimiters;
}

const NO_STORE = { "cache-control": "no-store", "referrer-policy": "no-referrer" };

function refuse(status: number, code: string, message: string, headers: Record<string, string> = {}): NextResponse {
  return NextResponse.json({ ok: false, code, message }, { status, headers: { ...NO_STORE, ...headers } });
}

const REFUSALS: Record<EnrolRefusal | HostRefusal | "envelope_not_found", [number, string]> = {
  not_found: [404, "No enrolment has this id. Check the link."],
  wrong_token: [401, "This token does not open the enrolment. Copy the whole link, including the part after #."],
  expired: [410, "This enrolment link expired. Ask the operator for a new one (Connect agent host)."],
  already_used: [410, "This enrolment link was already used; a link works once. Ask the operator for a new one."],
  invalid_keys: [400, "sealing_public_key must be a raw X25519 and signing_public_key a raw Ed25519 public key."],
  unknown_host: [401, "No host has this id. Enrol again with a new link."],
  bad_signature: [401, "The request's signature does not match this host's signing key."],
  stale_time: [401, "The request's time is more than 60 s from the console's clock. Check this machine's clock."],
  replayed: [401, "This request's nonce was used before: a signed request works once."],
  disconnected: [403, "The operator disconnected this host: it gets no more keys. Enrol again with a new link."],
  envelope_not_found: [404, "This host has no envelope with this id (already acknowledged, or not this host's)."],
};

function refusal(kind: keyof typeof REFUSALS): NextResponse {
  const [status, message] = REFUSALS[kind];
  return refuse(status, kind, message);
}

function clientOf(request: NextRequest): HostClient {
  return {
    address: clientAddressOf(request.headers, securitySettings().trustedProxyHops),
    userAgent: request.headers.get("user-agent"),
  };
}

async function limited(limiter: StoreRateLimiter, client: HostClient): Promise<NextResponse | null> {
  const verdict = await limiter.take(client.address ?? "direct");
  return verdict.allowed
    ? null
    : refuse(429, "rate_limited", `Too many requests. Try again in ${verdict.retryAfterSeconds} s.`, {
        "retry-after": String(verdict.retryAfterSeconds),
      });
}

function unavailable(error: unknown): NextResponse {
  if (!isStoreUnavailableError(error)) log.error("a host request failed", error);
  return refuse(503, "store_unavailable", "The console cannot reach its database right now. Try again in a moment.");
}

const enrolBodySchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\x20-\x7e]+$/, "name must be printable ASCII"),
  sealing_public_key: z.string().regex(PUBLIC_KEY_PATTERN),
  signing_public_key: z.string().regex(PUBLIC_KEY_PATTERN),
});

/** POST /api/hosts/enrol/<id>, Authorization: Bearer <token>, body { name, sealing_public_key, signing_public_key }. */
export async function enrolRoute(request: NextRequest, id: string): Promise<NextResponse> {
  try {
    if (!HANDOFF_ID_PATTERN.test(id)) return refusal("not_found");
    const client = clientOf(request);
    const tooMany = await limited(limiters().enrol, client);
    if (tooMany) return tooMany;
    const token = /^Bearer ([^\s]+)$/.exec(request.headers.get("authorization")?.trim() ?? "")?.[1];
    if (!token || !TOKEN_PATTERN.test(token))
      return refuse(401, "missing_token", "Send the token from the link (after #) as Authorization: Bearer <token>.", {
        "www-authenticate": "Bearer",
      });
    if (!isJsonContentType(request.headers.get("content-type")))
      return refuse(415, "invalid_input", "This endpoint takes application/json.");
    const text = await readCappedBody(request, HOST_BODY_MAX_BYTES);
    if (text === null) return refuse(413, "invalid_input", "The request was too large.");
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return refuse(400, "invalid_input", "The body is not JSON.");
    }
    const body = enrolBodySchema.safeParse(json);
    if (!body.success)
      return refuse(
        400,
        "invalid_input",
        "The body must be { name, sealing_public_key, signing_public_key } (raw 32-byte keys, base64url).",
      );
    const outcome = await enrolHost(
      id,
      token,
      {
        name: body.data.name,
        sealingPublicKey: body.data.sealing_public_key,
        signingPublicKey: body.data.signing_public_key,
      },
      client,
    );
    if (!outcome.ok) return refusal(outcome.refusal);
    const { enrolled } = outcome;
    return NextResponse.json(
      {
        host_id: enrolled.hostId,
        agent_id: enrolled.agentId,
        agent_name: enrolled.agentName,
        api_url: faucetUrlFor(request),
      },
      { status: 200, headers: NO_STORE },
    );
  } catch (error) {
    return unavailable(error);
  }
}

/** The signed request's parts from its headers, or the refusal to answer. */
async function signedRequestOf(request: NextRequest): Promise<SignedRequest | NextResponse> {
  const header = (name: string) => request.headers.get(name)?.trim() ?? "";
  const hostId = header("x-host-id");
  const time = header("x-host-time");
  const nonce = header("x-host-nonce");
  const signature = header("x-host-signature");
  if (
    !HOST_ID_PATTERN.test(hostId) ||
    !/^\d{1,15}$/.test(time) ||
    !NONCE_PATTERN.test(nonce) ||
    !SIGNATURE_PATTERN.test(signature)
  )
    return refuse(
      401,
      "missing_signature",
      "Sign the request: X-Host-Id, X-Host-Time (epoch ms), X-Host-Nonce and X-Host-Signature (receive.mjs watch does).",
    );
  const body = await readCappedBody(request, HOST_BODY_MAX_BYTES);
  if (body === null) return refuse(413, "invalid_input", "The request was too large.");
  return {
    method: request.method,
    path: `${request.nextUrl.pathname}${request.nextUrl.search}`,
    hostId,
    time,
    nonce,
    body,
    signature,
  };
}

/** GET /api/hosts/envelopes (signed): the host's waiting envelopes, oldest first. */
export async function envelopesRoute(request: NextRequest): Promise<NextResponse> {
  try {
    const client = clientOf(request);
    const tooMany = await limited(limiters().signed, client);
    if (tooMany) return tooMany;
    const signed = await signedRequestOf(request);
    if (signed instanceof NextResponse) return signed;
    const outcome = await fetchEnvelopes(signed, client);
    if (!outcome.ok) return refusal(outcome.refusal);
    return NextResponse.json(
      {
        host_id: outcome.host.id,
        agent_id: outcome.host.agentId,
        api_url: faucetUrlFor(request),
        envelopes: outcome.envelopes.map((envelope) => ({
          id: envelope.id,
          agent_id: envelope.agentId,
          rotation_id: envelope.rotationId,
          created_at: new Date(envelope.createdAt).toISOString(),
          ephemeral_public_key: envelope.ephemeralPublicKey,
          sealed_key: envelope.sealedKey,
        })),
      },
      { status: 200, headers: NO_STORE },
    );
  } catch (error) {
    return unavailable(error);
  }
}

export const ENVELOPE_ID_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** POST /api/hosts/envelopes/<id>/ack (signed): the key is written; the envelope is deleted. */
export async function acknowledgeRoute(request: NextRequest, id: string): Promise<NextResponse> {
  try {
    const client = clientOf(request);
    const tooMany = await limited(limiters().signed, client);
    if (tooMany) return tooMany;
    if (!ENVELOPE_ID_PATTERN.test(id)) return refusal("envelope_not_found");
    const signed = await signedRequestOf(request);
    if (signed instanceof NextResponse) return signed;
    const outcome = await acknowledgeEnvelope(signed, id, client);
    if (!outcome.ok) return refusal(outcome.refusal);
    return NextResponse.json({ ok: true, acknowledged: id }, { status: 200, headers: NO_STORE });
  } catch (error) {
    return unavailable(error);
  }
}
