import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import { NextRequest } from "next/server";
import { POST as enrolPost } from "@/app/api/hosts/enrol/[id]/route";
import { POST as ackPost } from "@/app/api/hosts/envelopes/[id]/ack/route";
import { GET as envelopesGet } from "@/app/api/hosts/envelopes/route";
import { openEnvelope } from "@/lib/hosts/host-crypto";
import { asRequest } from "./in-process-console";
import { CONSOLE_ORIGIN } from "./next-headers-double";

/**
 * A simulated agent host in the test's process: what `receive.mjs enrol` and `watch` do (key
 * pairs from node:crypto, the same signed-request text, the same envelope), called straight
 * on the route handlers.
 */
export type TestHost = {
  hostId: string;
  sealing: { public: string; private: string };
  signing: { public: string; private: string };
};

export type SignedHeaders = Record<"x-host-id" | "x-host-time" | "x-host-nonce" | "x-host-signature", string>;

export function newHostKeys() {
  const sealing = generateKeyPairSync("x25519").privateKey.export({ format: "jwk" });
  const signing = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  return {
    sealing: { public: sealing.x!, private: sealing.d! },
    signing: { public: signing.x!, private: signing.d! },
  };
}

async function returned(work: () => Promise<Response>): Promise<Response> {
  const outcome = await asRequest({ origin: null }, work);
  if (outcome.kind !== "returned") throw new Error(`redirected to ${outcome.url}`);
  return outcome.value;
}

export async function enrolRequest(
  id: string,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const request = new NextRequest(new URL(`/api/hosts/enrol/${encodeURIComponent(id)}`, CONSOLE_ORIGIN), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return returned(() => enrolPost(request, { params: Promise.resolve({ id }) }));
}

export async function enrol(id: string, token: string, name = "agent-box-1"): Promise<TestHost> {
  const keys = newHostKeys();
  const response = await enrolRequest(id, token, {
    name,
    sealing_public_key: keys.sealing.public,
    signing_public_key: keys.signing.public,
  });
  if (response.status !== 200) throw new Error(`enrol answered ${response.status}: ${await response.text()}`);
  const body = (await response.json()) as { host_id: string };
  return { hostId: body.host_id, ...keys };
}

export function signedHeaders(
  host: TestHost,
  method: string,
  path: string,
  { time = Date.now(), nonce = randomBytes(18).toString("base64url"), hostId = host.hostId, body = "" } = {},
): SignedHeaders {
  const text = [
    "faucet-console host request v1",
    method,
    path,
    hostId,
    String(time),
    nonce,
    createHash("sha256").update(body, "utf8").digest("base64url"),
  ].join("\n");
  const key = createPrivateKey({
    key: { kty: "OKP", crv: "Ed25519", x: host.signing.public, d: host.signing.private },
    format: "jwk",
  });
  return {
    "x-host-id": hostId,
    "x-host-time": String(time),
    "x-host-nonce": nonce,
    "x-host-signature": sign(null, Buffer.from(text, "utf8"), key).toString("base64url"),
  };
}

export type EnvelopeReply = {
  api_url: string | null;
  envelopes: {
    id: string;
    agent_id: number;
    rotation_id: string;
    ephemeral_public_key: string;
    sealed_key: string;
  }[];
};

export async function fetchEnvelopes(headers: Record<string, string>): Promise<Response> {
  const request = new NextRequest(new URL("/api/hosts/envelopes", CONSOLE_ORIGIN), { method: "GET", headers });
  return returned(() => envelopesGet(request));
}

export async function acknowledge(id: string, headers: Record<string, string>, body?: string): Promise<Response> {
  const request = new NextRequest(new URL(`/api/hosts/envelopes/${encodeURIComponent(id)}/ack`, CONSOLE_ORIGIN), {
    method: "POST",
    headers,
    body,
  });
  return returned(() => ackPost(request, { params: Promise.resolve({ id }) }));
}

/** One poll as `receive.mjs watch` makes it: fetch, open each envelope, acknowledge it. Returns the keys, oldest first. */
export async function poll(host: TestHost): Promise<string[]> {
  const response = await fetchEnvelopes(signedHeaders(host, "GET", "/api/hosts/envelopes"));
  if (response.status !== 200) throw new Error(`fetch answered ${response.status}: ${await response.text()}`);
  const reply = (await response.json()) as EnvelopeReply;
  const keys: string[] = [];
  for (const envelope of reply.envelopes) {
    const key = openEnvelope(
      { ephemeralPublicKey: envelope.ephemeral_public_key, sealedKey: envelope.sealed_key },
      { sealingPrivateKey: host.sealing.private, sealingPublicKey: host.sealing.public },
      { agentId: envelope.agent_id, rotationId: envelope.rotation_id, hostId: host.hostId },
    );
    if (!key) throw new Error(`envelope ${envelope.id} does not open`);
    const path = `/api/hosts/envelopes/${envelope.id}/ack`;
    const acked = await acknowledge(envelope.id, signedHeaders(host, "POST", path));
    if (acked.status !== 200) throw new Error(`ack answered ${acked.status}`);
    keys.push(key);
  }
  return keys;
}
