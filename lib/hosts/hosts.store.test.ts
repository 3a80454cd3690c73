import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, randomUUID, sign } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useFreshProcessStore } from "@/e2e/support/process-store";
import { auditKeyring } from "@/lib/audit/audit-keys";
import { verifyAuditChains } from "@/lib/audit/verify-audit-chains";
import { getStore } from "@/lib/store/get-store";
import { openEnvelope, signedRequestText } from "./host-crypto";
import { acknowledgeEnvelope, createHostEnrolment, enrolHost, fetchEnvelopes, type SignedRequest } from "./hosts";
import { sealForConnectedHostIn } from "./sealed-delivery";

/**
 * Agent hosts on both engines: enrol, seal in a transaction (sealForConnectedHostIn, as a policy
 * rotation calls it), fetch and acknowledge with signed requests, a replay refused on the same
 * store, the audit chain intact, and a dump of every table holding no key and no private key.
 */
const client = { address: "192.0.2.4", userAgent: "receive.mjs" };

function keys() {
  const sealing = generateKeyPairSync("x25519").privateKey.export({ format: "jwk" });
  const signing = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  return { sealing: { x: sealing.x!, d: sealing.d! }, signing: { x: signing.x!, d: signing.d! } };
}

function signed(
  hostId: string,
  signing: { x: string; d: string },
  method: string,
  path: string,
  time = Date.now(),
): SignedRequest {
  const parts = { method, path, hostId, time: String(time), nonce: randomBytes(18).toString("base64url"), body: "" };
  const key = createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", ...signing }, format: "jwk" });
  return { ...parts, signature: sign(null, signedRequestText(parts), key).toString("base64url") };
}

describe.each(["pglite", "postgres"] as const)("agent hosts on %s", (engine) => {
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    process.env.SESSION_SECRET ??= "hosts-store-test-session-secret-0123456789-abcdef";
    cleanup = await useFreshProcessStore(engine, inject("storeDatabaseUrl"));
  }, 120_000);
  afterAll(async () => cleanup());

  it("enrols, seals in a transaction, delivers once, refuses a replay, and the dump holds no secret", async () => {
    const operatorId = 41;
    const agentId = 7;
    const link = await createHostEnrolment({ operatorId, agentId, agentName: "Store Bot", sessionLabel: "abcd1234" });
    const host = keys();
    const enrolled = await enrolHost(
      link.id,
      link.token,
      { name: "box", sealingPublicKey: host.sealing.x, signingPublicKey: host.signing.x },
      client,
    );
    expect(enrolled).toMatchObject({ ok: true });
    const hostId = (enrolled as { enrolled: { hostId: string } }).enrolled.hostId;

    const apiKey = `agent_${randomBytes(16).toString("hex")}`;
    const rotationId = randomUUID();
    const { db } = await getStore();
    const delivered = await db.transaction((tx) =>
      sealForConnectedHostIn(tx, { operatorId, agentId, rotationId, apiKey, origin: "policy:test" }),
    );
    expect(delivered).toEqual({ hostId, hostName: "box" });
    expect(
      await db.transaction((tx) =>
        sealForConnectedHostIn(tx, { operatorId, agentId: 8, rotationId, apiKey: "agent_x", origin: "policy:test" }),
      ),
    ).toBeNull();

    const request = signed(hostId, host.signing, "GET", "/api/hosts/envelopes");
    const fetched = await fetchEnvelopes(request, client);
    expect(fetched).toMatchObject({ ok: true });
    const [envelope] = (fetched as { envelopes: { id: string; ephemeralPublicKey: string; sealedKey: string }[] })
      .envelopes;
    const binding = { agentId, rotationId, hostId };
    const sealingKeys = { sealingPrivateKey: host.sealing.d, sealingPublicKey: host.sealing.x };
    expect(openEnvelope(envelope!, sealingKeys, binding)).toBe(apiKey);
    expect(openEnvelope(envelope!, sealingKeys, { ...binding, agentId: 8 })).toBeNull();
    expect(openEnvelope(envelope!, sealingKeys, { ...binding, rotationId: randomUUID() })).toBeNull();
    expect(await fetchEnvelopes(request, client)).toEqual({ ok: false, refusal: "replayed" });

    const dump = async () => {
      const tables = await db.execute<{ name: string }>(
        sql`select table_name as name from information_schema.tables where table_schema = 'public'`,
      );
      let text = "";
      for (const { name } of tables.rows)
        text += JSON.stringify((await db.execute(sql`select * from ${sql.identifier(name)}`)).rows);
      return text;
    };
    const whileWaiting = await dump();
    expect(whileWaiting).toContain(envelope!.sealedKey);
    for (const secret of [apiKey, apiKey.slice(6), host.sealing.d, host.signing.d, link.token])
      expect(whileWaiting).not.toContain(secret);
    expect(whileWaiting).toContain(createHash("sha256").update(link.token).digest("base64url"));

    const path = `/api/hosts/envelopes/${envelope!.id}/ack`;
    expect(await acknowledgeEnvelope(signed(hostId, host.signing, "POST", path), envelope!.id, client)).toEqual({
      ok: true,
    });
    expect(await dump()).not.toContain(envelope!.sealedKey);
    expect(await verifyAuditChains(db, { keyring: auditKeyring() })).toMatchObject({ ok: true });
  });
});
