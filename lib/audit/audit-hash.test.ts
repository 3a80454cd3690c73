import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalAuditFields, keyedAuditRowHash, type HashedAuditFields } from "./audit-hash";
import { auditKeyFromSecret } from "./audit-keys";

const KEY = auditKeyFromSecret("audit-1", "audit-hash-test-key-0123456789abcdef0123");

const row: Omit<HashedAuditFields, "keyId"> = {
  id: "00000000-0000-4000-8000-000000000001",
  chain: "operator:7",
  position: 3,
  at: new Date(Date.UTC(2026, 10, 30, 12)),
  operatorId: 7,
  action: "rotate_agent_key",
  target: "agent:1",
  agentName: null,
  outcome: "ok",
  refusal: null,
  keyLabel: "agent_…9f3a",
  sessionLabel: "3fa1c2d0",
  clientAddress: "127.0.0.1",
  userAgent: "UA",
  instanceId: "i1",
  batchId: null,
  completes: null,
  prevHash: "a".repeat(64),
};

/** The keyed canonical form as it was before agent names (version 2), written out by hand: stored rows hash by it. */
const VERSION_2 = JSON.stringify([
  2,
  "audit-1",
  row.id,
  row.chain,
  row.position,
  row.at.getTime(),
  row.operatorId,
  row.action,
  row.target,
  row.outcome,
  row.refusal,
  row.keyLabel,
  row.sessionLabel,
  row.clientAddress,
  row.userAgent,
  row.instanceId,
  row.batchId,
  row.completes,
  row.prevHash,
]);

describe("an audit row's hash", () => {
  it("is, for a row without an agent name, exactly the version 2 hash every row before names has", () => {
    expect(canonicalAuditFields({ ...row, keyId: KEY.id })).toBe(VERSION_2);
    expect(keyedAuditRowHash(row, KEY).hash).toBe(createHmac("sha256", KEY.mac).update(VERSION_2).digest("hex"));
  });

  it("covers a name as version 3, so a name added, removed or changed changes the hash", () => {
    const named = { ...row, agentName: "Research Bot" };
    const canonical = JSON.parse(canonicalAuditFields({ ...named, keyId: KEY.id })) as unknown[];
    expect(canonical[0]).toBe(3);
    expect(canonical.at(-1)).toBe("Research Bot");
    const hashes = new Set(
      [row, named, { ...row, agentName: "Research Bot v2" }, { ...row, agentName: "" }].map(
        (fields) => keyedAuditRowHash(fields, KEY).hash,
      ),
    );
    expect(hashes.size).toBe(4);
  });
});
