import { existsSync, mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { keyedAuditRowHash } from "./audit-hash";
import { auditKeyFromSecret, checkpointsBesideStoreNotice, resolveAuditKeyring } from "./audit-keys";

const SECRET = "a-session-secret-of-at-least-32-characters";
const AUDIT = "an-audit-key-of-at-least-32-characters-xyz";
const dirs: string[] = [];
const dataDir = () => {
  const dir = mkdtempSync("/tmp/audit-keys-test-");
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("the audit keyring", () => {
  it("derives its key from SESSION_SECRET under a label of its own, or takes AUDIT_KEY, and still verifies the derived key's rows", () => {
    const derived = resolveAuditKeyring({ SESSION_SECRET: SECRET }, dataDir());
    expect(derived.current.id).toBe("session-1");
    expect(derived.current.mac.equals(Buffer.from(SECRET))).toBe(false);
    expect(derived.current.mac).toEqual(auditKeyFromSecret("x", SECRET).mac);
    const withAuditKey = resolveAuditKeyring({ SESSION_SECRET: SECRET, AUDIT_KEY: AUDIT }, dataDir());
    expect(withAuditKey.current.id).toBe("audit-1");
    expect([...withAuditKey.byId.keys()].sort()).toEqual(["audit-1", "session-1"]);
    expect(withAuditKey.current.mac.equals(derived.current.mac)).toBe(false);
  });

  it("writes with a map's highest id and verifies with every id (rotation)", () => {
    const ring = resolveAuditKeyring(
      { AUDIT_KEY: JSON.stringify({ 1: AUDIT, 2: `${AUDIT}-new` }), FAUCET_API_URL: "https://faucet.example/api" },
      dataDir(),
    );
    expect(ring.current.id).toBe("audit-2");
    const row = {
      id: "e",
      chain: "operator:1",
      position: 1,
      at: new Date(0),
      operatorId: 1,
      action: "sign_in",
      target: "operator",
      agentName: null,
      outcome: "ok",
      refusal: null,
      keyLabel: null,
      sessionLabel: null,
      clientAddress: null,
      userAgent: null,
      instanceId: "i",
      batchId: null,
      completes: null,
      prevHash: "0",
    };
    const old = ring.byId.get("audit-1");
    expect(old).toBeDefined();
    if (old) expect(keyedAuditRowHash(row, old).hash).not.toBe(keyedAuditRowHash(row, ring.current).hash);
  });

  it("refuses a short AUDIT_KEY by its name, and verify never creates a secret", () => {
    expect(() => resolveAuditKeyring({ AUDIT_KEY: "short" }, dataDir())).toThrow(
      /AUDIT_KEY is 5 characters; it must be at least 32/,
    );
    const dir = dataDir();
    expect(() => resolveAuditKeyring({}, dir, { verifyOnly: true })).toThrow(/no audit key/);
    expect(existsSync(path.join(dir, "session-secret"))).toBe(false);
    // The console itself makes the embedded faucet's secret once; verify then derives the same key from it.
    const made = resolveAuditKeyring({}, dir);
    expect(resolveAuditKeyring({}, dir, { verifyOnly: true }).current.mac).toEqual(made.current.mac);
  });

  it("says once at start-up when checkpoints sit beside the store: no AUDIT_KEY and a generated secret, or the checkpoint file in the data dir", () => {
    const dir = "/srv/console/.data";
    const inside = path.join(dir, "audit-checkpoints.jsonl");
    const outside = "/var/log/console/audit-checkpoints.jsonl";
    const generated = checkpointsBesideStoreNotice({}, dir, outside);
    expect(generated).toContain("only protect against a writer of the database alone");
    expect(generated).toContain(`derives from the session secret generated into ${dir}`);
    expect(generated).not.toContain("is inside it");
    const fileInside = checkpointsBesideStoreNotice({ SESSION_SECRET: SECRET }, dir, inside);
    expect(fileInside).toContain(`the checkpoint file ${inside} is inside it`);
    expect(fileInside).not.toContain("generated");
    expect(fileInside).not.toContain(SECRET);
    expect(checkpointsBesideStoreNotice({}, dir, inside)).toContain("generated into");
    // A file whose name only starts like the data dir is not inside it.
    expect(checkpointsBesideStoreNotice({ SESSION_SECRET: SECRET }, dir, `${dir}-checkpoints.jsonl`)).toBeNull();
    expect(checkpointsBesideStoreNotice({ SESSION_SECRET: SECRET }, dir, outside)).toBeNull();
    expect(checkpointsBesideStoreNotice({ AUDIT_KEY: AUDIT }, dir, inside)).toBeNull();
  });
});
