import { beforeEach, describe, expect, it, vi } from "vitest";
import { FaucetError } from "@/lib/faucet/faucet-error";
import { NEW_KEY, session } from "@/lib/changes/test-doubles";

/**
 * rotate() against doubles of the faucet, the store and the cookie: what it promises about
 * the order of things and about never hiding a key the faucet already issued.
 */
const doubles = vi.hoisted(() => ({
  regenerateAgentKey: vi.fn(),
  regenerateOperatorKey: vi.fn(),
  take: vi.fn(),
  begin: vi.fn(),
  finish: vi.fn(),
  switchOperatorKey: vi.fn(),
  saveSessionCookie: vi.fn(),
  beginAudit: vi.fn(),
  finishAudit: vi.fn(),
  recordAudit: vi.fn(),
  claimBulkCall: vi.fn(),
  tx: { name: "one transaction" },
  pendingIn: vi.fn(),
}));

vi.mock("@/lib/faucet", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/faucet")>()),
  getFaucetClient: () => ({
    regenerateAgentKey: doubles.regenerateAgentKey,
    regenerateOperatorKey: doubles.regenerateOperatorKey,
  }),
  faucetTimeoutMs: () => 10_000,
}));
vi.mock("@/lib/security/limits", () => ({
  storeRateLimiter: (name: string) => ({ take: (client: string) => doubles.take(name, client) }),
}));
// The store: each transaction runs its body against one object standing for it, and fails as a whole when the body throws.
vi.mock("@/lib/store/get-store", () => ({
  getStore: async () => ({ db: { transaction: async (body: (tx: object) => Promise<unknown>) => body(doubles.tx) } }),
}));
vi.mock("./rotation-attempts", () => ({
  claimRotationTarget: (tx: object, request: unknown) => doubles.begin(request, tx),
  finishRotationAttemptIn: (_tx: object, attemptId: string, outcome: unknown) => doubles.finish(attemptId, outcome),
}));
vi.mock("@/lib/changes/bulk-runs", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/changes/bulk-runs")>()),
  claimBulkCall: doubles.claimBulkCall,
}));
vi.mock("@/lib/session/session-records", () => ({
  replaceSessionIn: (_tx: object, replacement: unknown) => doubles.switchOperatorKey(replacement),
}));
vi.mock("@/lib/session/session-store", () => ({ saveSessionCookie: doubles.saveSessionCookie }));
vi.mock("@/lib/audit/audit-actor", () => ({
  auditActor: async () => ({
    operatorId: 7,
    sessionLabel: "3fa1c2d0",
    clientAddress: "127.0.0.1",
    userAgent: "test",
    instanceId: "i",
  }),
}));
vi.mock("@/lib/audit/record-audit-event", () => ({
  beginAuditEventIn: (tx: object, actor: unknown, start: unknown) => (
    doubles.pendingIn(tx),
    doubles.beginAudit(actor, start)
  ),
  finishAuditEventIn: (_tx: object, handle: unknown, end: unknown) => doubles.finishAudit(handle, end),
  recordAuditEventIn: (_tx: object, actor: unknown, event: unknown) => doubles.recordAudit(actor, event),
  recordAuditEventQuietly: doubles.recordAudit,
}));

const { rotate } = await import("./rotate");

const request = { attemptId: "5b0f3c1e-3d4e-4f5a-8b6c-7d8e9fa0b1c2", knownRotationAt: null, ownAttemptId: null };
const single = { session, batchId: null, bulk: null };
const BATCH = "9c0f3c1e-3d4e-4f5a-8b6c-7d8e9fa0b1c2";

beforeEach(() => {
  vi.resetAllMocks();
  doubles.take.mockResolvedValue({ allowed: true });
  doubles.begin.mockResolvedValue({ kind: "begun" });
  doubles.finish.mockResolvedValue(undefined);
  doubles.beginAudit.mockResolvedValue({ id: "audit-1", action: "rotate_agent_key", target: "agent:4" });
  doubles.finishAudit.mockResolvedValue(undefined);
  doubles.recordAudit.mockResolvedValue(true);
  doubles.saveSessionCookie.mockResolvedValue({ saved: true });
  doubles.switchOperatorKey.mockResolvedValue({ id: "BBBBBBBBBBBBBBBBBBBBBB", sessionKey: Buffer.alloc(32, 2) });
  doubles.claimBulkCall.mockResolvedValue(true);
  doubles.regenerateAgentKey.mockResolvedValue({ apiKey: NEW_KEY, cooldownUntil: null });
  doubles.regenerateOperatorKey.mockResolvedValue({
    apiKey: "lf_fedcba9876543210fedcba9876543210",
    cooldownUntil: null,
  });
});

describe("rotate", () => {
  it("shows the key the faucet issued even when saving the session throws afterwards, and says what was not saved", async () => {
    doubles.saveSessionCookie.mockRejectedValue(new Error("cookie jar on fire"));
    const result = await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } });
    expect(result).toMatchObject({
      ok: true,
      data: { apiKey: NEW_KEY, warning: expect.stringContaining("The faucet rotated the key") },
    });
    expect(doubles.regenerateAgentKey).toHaveBeenCalledTimes(1);
  });

  it("shows a new operator key when the session cannot switch to it, and tells the operator to sign in with it", async () => {
    doubles.switchOperatorKey.mockRejectedValue(new Error("store went away"));
    const result = await rotate(single, { ...request, subject: { kind: "operator" } });
    expect(result).toMatchObject({
      ok: true,
      data: {
        apiKey: "lf_fedcba9876543210fedcba9876543210",
        warning: expect.stringContaining("sign in again with it"),
      },
    });
  });

  it("shows the key when the rotation record cannot be finished either", async () => {
    doubles.finish.mockRejectedValue(new Error("store went away"));
    const result = await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } });
    expect(result).toMatchObject({
      ok: true,
      data: { apiKey: NEW_KEY, warning: expect.stringContaining("could not record") },
    });
  });

  it("makes no faucet call when the guard says it was rotated elsewhere, or the limit is reached", async () => {
    doubles.begin.mockResolvedValue({
      kind: "rotated_elsewhere",
      last: { attemptId: "x", at: 0, sessionLabel: "beef0001", instanceId: "i", keyLabel: null, cooldownUntil: null },
    });
    expect(await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } })).toMatchObject({
      ok: false,
      code: "rotated_elsewhere",
      lastRotation: { at: 0, sessionLabel: "beef0001" },
    });
    doubles.take.mockResolvedValue({ allowed: false, retryAfterSeconds: 12 });
    expect(await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } })).toMatchObject({
      ok: false,
      code: "rate_limited",
      retryAfterSeconds: 12,
    });
    expect(doubles.regenerateAgentKey).not.toHaveBeenCalled();
  });

  it("counts a bulk run's rotation against the bulk limit and writes no cookie: its timer comes from the store", async () => {
    const result = await rotate(
      { session, batchId: BATCH, bulk: "rotate" },
      { ...request, subject: { kind: "agent", agentId: 4 } },
    );
    expect(result).toMatchObject({ ok: true, data: { apiKey: NEW_KEY, warning: null } });
    expect(doubles.take).toHaveBeenCalledWith("bulk-calls", "operator:7");
    expect(doubles.claimBulkCall).toHaveBeenCalledWith(
      doubles.tx,
      expect.objectContaining({ batchId: BATCH, operatorId: 7, kind: "rotate" }),
    );
    expect(doubles.saveSessionCookie).not.toHaveBeenCalled();
    await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } });
    expect(doubles.take).toHaveBeenLastCalledWith("rotations", "operator:7");
    expect(doubles.saveSessionCookie).toHaveBeenCalledTimes(1);
  });

  it("counts the plain action's rotation against the rotation limit even with a batchId, which only labels its audit events", async () => {
    const result = await rotate(
      { session, batchId: BATCH, bulk: null },
      { ...request, subject: { kind: "agent", agentId: 4 } },
    );
    expect(result).toMatchObject({ ok: true, data: { apiKey: NEW_KEY } });
    expect(doubles.take).toHaveBeenCalledWith("rotations", "operator:7");
    expect(doubles.take).not.toHaveBeenCalledWith("bulk-calls", expect.anything());
    expect(doubles.claimBulkCall).not.toHaveBeenCalled();
    expect(doubles.beginAudit).toHaveBeenCalledWith(expect.anything(), {
      action: "rotate_agent_key",
      target: "agent:4",
      agentName: null,
      batchId: BATCH,
    });
  });

  it("refuses a bulk call whose run the server did not issue (or that ended) without a faucet call, and records why", async () => {
    doubles.claimBulkCall.mockResolvedValue(false);
    const result = await rotate(
      { session, batchId: BATCH, bulk: "rotate" },
      { ...request, subject: { kind: "agent", agentId: 4 } },
    );
    expect(result).toMatchObject({
      ok: false,
      code: "invalid_input",
      message: expect.stringContaining("not started by the console"),
    });
    expect(doubles.regenerateAgentKey).not.toHaveBeenCalled();
    expect(doubles.begin).not.toHaveBeenCalled();
    expect(doubles.recordAudit).toHaveBeenLastCalledWith(expect.anything(), {
      action: "rotate_agent_key",
      target: "agent:4",
      agentName: null,
      batchId: null,
      outcome: "refused",
      refusal: "unknown_batch",
    });
  });

  it("records 'outcome unknown' for a failure that may have committed, and 'refused' for one that did not", async () => {
    doubles.regenerateAgentKey.mockRejectedValueOnce(
      new FaucetError("timeout", "The faucet did not answer within 10 s.", { mayHaveCommitted: true }),
    );
    expect(await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } })).toMatchObject({
      ok: false,
      code: "outcome_unknown",
    });
    expect(doubles.finish).toHaveBeenLastCalledWith(request.attemptId, { status: "outcome_unknown" });
    doubles.regenerateAgentKey.mockRejectedValueOnce(new FaucetError("cooldown", "Locked."));
    expect(await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } })).toMatchObject({
      ok: false,
      code: "faucet_refused",
    });
    expect(doubles.finish).toHaveBeenLastCalledWith(request.attemptId, { status: "refused" });
  });

  it("audits a rotation: pending before the faucet call, then ok with the new key's label and never the key", async () => {
    const order: string[] = [];
    doubles.beginAudit.mockImplementation(async () => {
      order.push("audit pending");
      return { id: "audit-1" };
    });
    doubles.regenerateAgentKey.mockImplementation(async () => {
      order.push("faucet");
      return { apiKey: NEW_KEY, cooldownUntil: null };
    });
    await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } });
    expect(order).toEqual(["audit pending", "faucet"]);
    expect(doubles.beginAudit).toHaveBeenCalledWith(expect.objectContaining({ operatorId: 7 }), {
      action: "rotate_agent_key",
      target: "agent:4",
      agentName: null,
      batchId: null,
    });
    expect(doubles.finishAudit).toHaveBeenCalledWith({ id: "audit-1" }, { outcome: "ok", keyLabel: "agent_…9f3a" });
    expect(JSON.stringify(doubles.finishAudit.mock.calls)).not.toContain(NEW_KEY);
  });

  it("makes no faucet call when the pending audit event cannot be written, and releases the guard", async () => {
    doubles.beginAudit.mockRejectedValue(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    expect(await rotate(single, { ...request, subject: { kind: "operator" } })).toMatchObject({
      ok: false,
      code: "store_unavailable",
    });
    expect(doubles.regenerateOperatorKey).not.toHaveBeenCalled();
    // The guard's claim was made in the transaction that failed, so it went with it (lib/changes/run-change.store.test.ts shows it on a real store).
    expect(doubles.begin).toHaveBeenCalledWith(expect.objectContaining({ attemptId: request.attemptId }), doubles.tx);
    expect(doubles.pendingIn).toHaveBeenCalledWith(doubles.tx);
  });

  it("switches this browser to a new session after an operator-key rotation, keeping its timers", async () => {
    const result = await rotate(
      {
        session: { ...session, agentCooldowns: [{ agentId: 4, until: Date.now() + 60_000, keyTail: "9f3a" }] },
        batchId: null,
        bulk: null,
      },
      { ...request, subject: { kind: "operator" } },
    );
    expect(result).toMatchObject({ ok: true, data: { warning: null } });
    expect(doubles.switchOperatorKey).toHaveBeenCalledWith(
      expect.objectContaining({ id: session.sessionId, operatorId: 7, newKey: "lf_fedcba9876543210fedcba9876543210" }),
    );
    expect(doubles.saveSessionCookie).toHaveBeenCalledWith(
      expect.objectContaining({
        sessionId: "BBBBBBBBBBBBBBBBBBBBBB",
        sessionKey: Buffer.alloc(32, 2).toString("base64url"),
        agentCooldowns: [expect.objectContaining({ agentId: 4 })],
      }),
    );
  });

  it("still shows the key when the audit event cannot be completed, and says it shows as unknown", async () => {
    doubles.finishAudit.mockRejectedValue(new Error("store went away"));
    const result = await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } });
    expect(result).toMatchObject({
      ok: true,
      data: { apiKey: NEW_KEY, warning: expect.stringContaining("audit log could not record") },
    });
  });

  it("audits refusals: the rate limit and the guard before any call, the faucet's kind, outcome unknown and a missing key", async () => {
    doubles.take.mockResolvedValueOnce({ allowed: false, retryAfterSeconds: 3 });
    await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } });
    expect(doubles.recordAudit).toHaveBeenLastCalledWith(expect.anything(), {
      action: "rotate_agent_key",
      target: "agent:4",
      agentName: null,
      batchId: null,
      outcome: "refused",
      refusal: "rate_limited",
    });
    doubles.begin.mockResolvedValueOnce({
      kind: "rotated_elsewhere",
      last: { attemptId: "x", at: 0, sessionLabel: "beef0001", instanceId: "i", keyLabel: null, cooldownUntil: null },
    });
    await rotate(single, { ...request, subject: { kind: "operator" } });
    expect(doubles.recordAudit).toHaveBeenLastCalledWith(expect.anything(), {
      action: "rotate_operator_key",
      target: "operator",
      agentName: null,
      batchId: null,
      outcome: "refused",
      refusal: "rotated_elsewhere",
    });
    doubles.regenerateAgentKey.mockRejectedValueOnce(new FaucetError("cooldown", "Locked."));
    await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } });
    expect(doubles.finishAudit).toHaveBeenLastCalledWith(expect.anything(), {
      outcome: "refused",
      refusal: "cooldown",
    });
    doubles.regenerateAgentKey.mockRejectedValueOnce(
      new FaucetError("timeout", "No answer.", { mayHaveCommitted: true }),
    );
    await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } });
    expect(doubles.finishAudit).toHaveBeenLastCalledWith(expect.anything(), { outcome: "outcome_unknown" });
    doubles.regenerateAgentKey.mockResolvedValueOnce({ apiKey: "", cooldownUntil: null });
    await rotate(single, { ...request, subject: { kind: "agent", agentId: 4 } });
    expect(doubles.finishAudit).toHaveBeenLastCalledWith(expect.anything(), { outcome: "key_missing" });
  });
});
