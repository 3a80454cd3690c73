import { beforeEach, describe, expect, it, vi } from "vitest";
import { FaucetError } from "@/lib/faucet/faucet-error";
import type { OperatorSession } from "@/lib/session/session-data";
import { StoreUnavailableError } from "@/lib/store/store-unavailable-error";
import type { ActionResult } from "@/lib/action-result";
import type { ChangeAction } from "./change-action";
import { NEW_KEY, session } from "@/lib/changes/test-doubles";

/** The pipeline running the lifecycle changes (declared in lib/actions/) against doubles of the faucet, the limit and the audit log: order, one call, honest results. */
const doubles = vi.hoisted(() => ({
  faucet: {
    createAgent: vi.fn(),
    setAgentActive: vi.fn(),
    sweepAgent: vi.fn(),
    deleteAgent: vi.fn(),
  },
  take: vi.fn(),
  beginAudit: vi.fn(),
  finishAudit: vi.fn(),
  recordAudit: vi.fn(),
  forget: vi.fn(),
  nameOf: vi.fn(),
  claimBulkCall: vi.fn(),
  order: [] as string[],
}));

vi.mock("@/lib/faucet", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/faucet")>()),
  getFaucetClient: () => doubles.faucet,
}));
vi.mock("@/lib/security/limits", () => ({
  storeRateLimiter: (name: string) => ({ take: (client: string) => doubles.take(name, client) }),
}));
vi.mock("@/lib/store/get-store", () => ({
  getStore: async () => ({ db: { transaction: async (body: (tx: object) => Promise<unknown>) => body({}) } }),
}));
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
  beginAuditEventIn: (_tx: object, actor: unknown, start: unknown) => doubles.beginAudit(actor, start),
  finishAuditEventIn: (_tx: object, handle: unknown, end: unknown) => doubles.finishAudit(handle, end),
  recordAuditEventIn: (_tx: object, actor: unknown, event: unknown) => doubles.recordAudit(actor, event),
  recordAuditEventQuietly: doubles.recordAudit,
}));
vi.mock("@/lib/faucet/agent-list-memo", () => ({
  agentListMemo: () => ({ forget: doubles.forget, nameOf: doubles.nameOf }),
}));
vi.mock("./bulk-runs", async (importOriginal) => ({
  ...(await importOriginal<typeof import("./bulk-runs")>()),
  claimBulkCall: doubles.claimBulkCall,
}));

const { runChange } = await import("./run-change");
const actions = {
  createAgent: (await import("@/lib/actions/create-agent")).createAgent,
  setAgentActive: (await import("@/lib/actions/set-agent-active")).setAgentActive,
  sweepAgent: (await import("@/lib/actions/sweep-agent")).sweepAgent,
  deleteAgent: (await import("@/lib/actions/delete-agent")).deleteAgent,
};

/** One declared change, run as its action would run it (or as /api/bulk/* would, with `bulk`). */
function run<Output>(
  action: ChangeAction<Output>,
  input: object,
  { batchId = null, bulk = null }: { batchId?: string | null; bulk?: "rotate" | "deactivate" | null } = {},
): Promise<ActionResult<Output>> {
  const context = { session, batchId, bulk };
  const declared = action.declaration.declare(input as never, context);
  return "ok" in declared ? Promise.resolve(declared) : runChange(context, declared);
}

const createAgent = (_session: OperatorSession, form: { name: string; description: string; budget: string }) =>
  run(actions.createAgent, form);
const setAgentActive = (
  _session: OperatorSession,
  agentId: number,
  isActive: boolean,
  batchId: string | null = null,
  bulk: "deactivate" | null = null,
) => run(actions.setAgentActive, { agentId, isActive }, { batchId, bulk });
const sweepAgent = (_session: OperatorSession, agentId: number) => run(actions.sweepAgent, { agentId });
const deleteAgent = (_session: OperatorSession, agentId: number) => run(actions.deleteAgent, { agentId });

const fields = { name: "scout", description: "", budget: "500" };

beforeEach(() => {
  vi.resetAllMocks();
  doubles.order.length = 0;
  doubles.take.mockImplementation(async () => (doubles.order.push("limit"), { allowed: true }));
  doubles.beginAudit.mockImplementation(
    async (_actor, start) => (doubles.order.push("audit:begin"), { id: "audit-1", ...start }),
  );
  doubles.finishAudit.mockImplementation(async () => void doubles.order.push("audit:finish"));
  doubles.recordAudit.mockResolvedValue(true);
  doubles.faucet.setAgentActive.mockImplementation(
    async (_key, agentId, isActive) => (doubles.order.push("faucet"), { agentId, isActive }),
  );
  doubles.faucet.createAgent.mockResolvedValue({ agentId: 42, apiKey: NEW_KEY, name: "scout" });
  doubles.claimBulkCall.mockResolvedValue(true);
  // The operator's last list read named agent 4; no other.
  doubles.nameOf.mockImplementation((operatorId: number, agentId: number) =>
    operatorId === 7 && agentId === 4 ? "Research Bot" : null,
  );
});

describe("runChange with a lifecycle change", () => {
  it("limits, records the pending event, calls the faucet once, then completes the event", async () => {
    const result = await setAgentActive(session, 4, false);
    expect(result).toEqual({ ok: true, data: { agentId: 4, isActive: false } });
    expect(doubles.order).toEqual(["limit", "audit:begin", "faucet", "audit:finish"]);
    expect(doubles.beginAudit).toHaveBeenCalledWith(expect.anything(), {
      action: "deactivate_agent",
      target: "agent:4",
      agentName: "Research Bot",
      batchId: null,
    });
    expect(doubles.finishAudit).toHaveBeenCalledWith(expect.objectContaining({ id: "audit-1" }), { outcome: "ok" });
    expect(doubles.forget).toHaveBeenCalledWith(7);
    expect(doubles.take).toHaveBeenCalledWith("agent-changes", "operator:7");
  });

  it("counts a bulk run's change against the bulk limit and tags its audit events with the batch", async () => {
    const batchId = "9c0f3c1e-3d4e-4f5a-8b6c-7d8e9fa0b1c2";
    expect(await setAgentActive(session, 4, false, batchId, "deactivate")).toEqual({
      ok: true,
      data: { agentId: 4, isActive: false },
    });
    expect(doubles.take).toHaveBeenCalledWith("bulk-calls", "operator:7");
    expect(doubles.claimBulkCall).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ batchId, operatorId: 7, kind: "deactivate" }),
    );
    expect(doubles.beginAudit).toHaveBeenCalledWith(expect.anything(), {
      action: "deactivate_agent",
      target: "agent:4",
      agentName: "Research Bot",
      batchId,
    });
  });

  it("counts the plain action's change against the agent-change limit even with a batchId, which only labels its events", async () => {
    const batchId = "9c0f3c1e-3d4e-4f5a-8b6c-7d8e9fa0b1c2";
    expect(await setAgentActive(session, 4, false, batchId)).toEqual({
      ok: true,
      data: { agentId: 4, isActive: false },
    });
    expect(doubles.take).toHaveBeenCalledWith("agent-changes", "operator:7");
    expect(doubles.claimBulkCall).not.toHaveBeenCalled();
    expect(doubles.beginAudit).toHaveBeenCalledWith(expect.anything(), {
      action: "deactivate_agent",
      target: "agent:4",
      agentName: "Research Bot",
      batchId,
    });
  });

  it("refuses a bulk change whose run the server did not issue, before any faucet call", async () => {
    doubles.claimBulkCall.mockResolvedValue(false);
    const result = await setAgentActive(session, 4, false, "9c0f3c1e-3d4e-4f5a-8b6c-7d8e9fa0b1c2", "deactivate");
    expect(result).toMatchObject({ ok: false, code: "invalid_input" });
    expect(doubles.faucet.setAgentActive).not.toHaveBeenCalled();
    expect(doubles.beginAudit).not.toHaveBeenCalled();
    expect(doubles.recordAudit).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ outcome: "refused", refusal: "unknown_batch" }),
    );
  });

  it("refuses over the limit without a faucet call, and records the refusal", async () => {
    doubles.take.mockResolvedValue({ allowed: false, retryAfterSeconds: 12 });
    const result = await setAgentActive(session, 4, true);
    expect(result).toMatchObject({ ok: false, code: "rate_limited", retryAfterSeconds: 12 });
    expect(doubles.faucet.setAgentActive).not.toHaveBeenCalled();
    expect(doubles.recordAudit).toHaveBeenCalledWith(
      expect.anything(),
      expect.objectContaining({ action: "reactivate_agent", outcome: "refused", refusal: "rate_limited" }),
    );
  });

  it("makes no faucet call when the pending event cannot be written", async () => {
    doubles.beginAudit.mockRejectedValue(new StoreUnavailableError({ cause: new Error("down") }));
    const result = await deleteAgent(session, 4);
    expect(result).toMatchObject({ ok: false, code: "store_unavailable" });
    expect(doubles.faucet.deleteAgent).not.toHaveBeenCalled();
  });

  it("reports outcome unknown, once, when the answer was lost", async () => {
    doubles.faucet.deleteAgent.mockRejectedValue(
      new FaucetError("timeout", "The faucet did not answer within 10 s.", { mayHaveCommitted: true }),
    );
    const result = await deleteAgent(session, 4);
    expect(result).toMatchObject({ ok: false, code: "outcome_unknown" });
    expect(!result.ok && result.message).toMatch(
      /^Outcome unknown: The faucet did not answer within 10 s\. The agent may have been deleted anyway/,
    );
    expect(doubles.faucet.deleteAgent).toHaveBeenCalledTimes(1);
    expect(doubles.finishAudit).toHaveBeenCalledWith(expect.anything(), { outcome: "outcome_unknown" });
  });

  it("passes a refusal on with its kind in the log", async () => {
    doubles.faucet.deleteAgent.mockRejectedValue(new FaucetError("not_found", "no such agent"));
    const result = await deleteAgent(session, 4);
    expect(result).toMatchObject({ ok: false, code: "not_found" });
    expect(doubles.finishAudit).toHaveBeenCalledWith(expect.anything(), { outcome: "refused", refusal: "not_found" });
  });

  it("says that a sweep refused by a cooldown is blocked by the rotation", async () => {
    const until = Date.UTC(2026, 0, 1, 12, 30);
    doubles.faucet.sweepAgent.mockRejectedValue(
      new FaucetError("cooldown", "Withdrawals are locked.", { cooldownUntil: until }),
    );
    const result = await sweepAgent(session, 4);
    expect(result).toMatchObject({ ok: false, code: "faucet_refused" });
    expect(!result.ok && result.message).toMatch(
      /locked until .*12:30.* by the cooldown of its last key rotation\. Nothing was moved\. In an incident, sweep before rotating/,
    );
  });

  it("keeps the answer when the audit completion fails", async () => {
    doubles.finishAudit.mockRejectedValue(new StoreUnavailableError({ cause: new Error("down") }));
    expect(await setAgentActive(session, 4, false)).toMatchObject({ ok: true });
  });
});

describe("createAgent", () => {
  it("returns the first key and logs only its label, under the new agent", async () => {
    const result = await createAgent(session, fields);
    expect(result).toEqual({ ok: true, data: { agentId: 42, name: "scout", apiKey: NEW_KEY } });
    expect(doubles.faucet.createAgent).toHaveBeenCalledWith(session.operatorKey, {
      name: "scout",
      description: undefined,
      budgetLimitSats: 500,
    });
    expect(doubles.beginAudit).toHaveBeenCalledWith(expect.anything(), {
      action: "create_agent",
      target: "operator",
      agentName: "scout",
      batchId: null,
    });
    expect(doubles.finishAudit).toHaveBeenCalledWith(expect.objectContaining({ target: "agent:42" }), {
      outcome: "ok",
      keyLabel: "agent_…9f3a",
    });
    expect(JSON.stringify(doubles.finishAudit.mock.calls)).not.toContain(NEW_KEY);
  });

  it("is key_missing when the faucet created the agent but sent no key", async () => {
    doubles.faucet.createAgent.mockResolvedValue({ agentId: 42, apiKey: null, name: "scout" });
    const result = await createAgent(session, fields);
    expect(result).toMatchObject({ ok: false, code: "key_missing" });
    expect(doubles.finishAudit).toHaveBeenCalledWith(expect.anything(), { outcome: "key_missing" });
  });

  it("warns that creating again after a lost answer may make a second agent", async () => {
    doubles.faucet.createAgent.mockRejectedValue(
      new FaucetError("upstream_unavailable", "The faucet failed (HTTP 502).", { mayHaveCommitted: true }),
    );
    const result = await createAgent(session, fields);
    expect(!result.ok && result.message).toMatch(/may have created the agent anyway.*two agents/);
    expect(doubles.faucet.createAgent).toHaveBeenCalledTimes(1);
  });
});
