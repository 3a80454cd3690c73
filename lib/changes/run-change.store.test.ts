import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { useFreshProcessStore } from "@/e2e/support/process-store";
import { auditKeyring } from "@/lib/audit/audit-keys";
import { verifyAuditChains } from "@/lib/audit/verify-audit-chains";
import { FaucetError } from "@/lib/faucet/faucet-error";
import type { OperatorSession } from "@/lib/session/session-data";
import { getStore } from "@/lib/store/get-store";
import { bulkRuns, keyRotations } from "@/lib/store/schema";
import type { Store } from "@/lib/store/store";

/**
 * The pipeline on a real store, both engines: what one rotation costs the store, the budget that
 * follows the route, server-issued batch ids, and a guard claim that goes with a failed pending event.
 */

/**
 * Statements one agent rotation may send (see the README): 1 for the rate limit (rate-limiter-flexible's
 * own upsert), then 8 in the first transaction (begin, the guard's lock, read and insert, the chain's
 * lock and head, the event with the head's move in one statement, commit) and 6 in the closing one
 * (begin, the attempt's outcome, the chain's lock and head, the event with the head's move, commit).
 * Before lib/changes it was 20 in 5 round trips; 17 until the event and the head's move were joined.
 */
const MAX_STATEMENTS_PER_AGENT_ROTATION = 15;
/**
 * "Hand off without showing me the key" adds no statement: the hand-off's row and its create_handoff
 * event go in the completion's insert (the row in its WITH clause), and the chain's head moves once.
 */
const MAX_STATEMENTS_PER_HANDED_OFF_ROTATION = MAX_STATEMENTS_PER_AGENT_ROTATION;
/** An operator-key rotation adds its new session (2 statements) to the closing transaction. */
const MAX_STATEMENTS_PER_OPERATOR_ROTATION = MAX_STATEMENTS_PER_AGENT_ROTATION + 2;

const doubles = vi.hoisted(() => ({
  regenerateAgentKey: vi.fn(),
  regenerateOperatorKey: vi.fn(),
  saveSessionCookie: vi.fn(),
  failNextAppend: false,
}));

vi.mock("@/lib/faucet", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/faucet")>()),
  getFaucetClient: () => ({
    regenerateAgentKey: doubles.regenerateAgentKey,
    regenerateOperatorKey: doubles.regenerateOperatorKey,
  }),
  faucetTimeoutMs: () => 10_000,
}));
vi.mock("@/lib/session/session-store", () => ({ saveSessionCookie: doubles.saveSessionCookie }));
vi.mock("@/lib/audit/audit-chain", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/audit/audit-chain")>();
  return {
    ...actual,
    appendAuditRowIn: (...args: Parameters<typeof actual.appendAuditRowIn>) => {
      if (!doubles.failNextAppend) return actual.appendAuditRowIn(...args);
      doubles.failNextAppend = false;
      return Promise.reject(Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }));
    },
  };
});

const { rotate, rotationChange } = await import("@/lib/keys/rotate");
const { runChange } = await import("./run-change");
const { withHandoff } = await import("@/lib/handoff/rotation-handoff");
const { issueBulkRun } = await import("./bulk-runs");
const { createSessionRecord } = await import("@/lib/session/session-records");
const { agentListMemo } = await import("@/lib/faucet/agent-list-memo");
const { listAuditEntries } = await import("@/lib/audit/audit-query");
const { redeemHandoff } = await import("@/lib/handoff/handoffs");

let operatorCounter = 5_000;

async function signedIn(): Promise<OperatorSession> {
  const operatorId = operatorCounter++;
  const operatorKey = "lf_0123456789abcdef0123456789abcdef";
  const { id, sessionKey } = await createSessionRecord({
    operatorId,
    operatorName: "Ada",
    operatorKey,
    operatorKeyTail: "cdef",
    now: Date.now(),
  });
  return {
    sessionId: id,
    sessionKey: sessionKey.toString("base64url"),
    label: "3fa1c2d0",
    operatorKey,
    operatorId,
    operatorName: "Ada",
    operatorCooldownUntil: null,
    operatorKeyTail: "cdef",
    agentCooldowns: [],
  };
}

function confirmation(agentId = 4) {
  return {
    subject: { kind: "agent" as const, agentId },
    attemptId: randomUUID(),
    knownRotationAt: null,
    ownAttemptId: null,
  };
}

type Query = { query: (...args: unknown[]) => unknown; exec?: (...args: unknown[]) => unknown };

/**
 * Counts every statement the store's client is sent, both engines alike: each query (and
 * PGlite exec) call, and a transaction's BEGIN and COMMIT (PGlite sends those itself).
 */
function countStatements(store: Store) {
  const sent: string[] = [];
  const text = (statement: unknown) =>
    typeof statement === "string" ? statement : String((statement as { text?: string }).text);
  const wrap = (target: Query) => {
    for (const name of ["query", "exec"] as const) {
      const original = target[name];
      if (!original || (original as { counted?: boolean }).counted) continue;
      const counted = (...args: unknown[]) => {
        sent.push(text(args[0]));
        return original.apply(target, args);
      };
      target[name] = Object.assign(counted, { counted: true });
    }
  };
  if (store.engine === "pglite") {
    const client = store.client as unknown as Query & {
      transaction: (body: (tx: Query) => Promise<unknown>) => Promise<unknown>;
    };
    wrap(client);
    const transaction = client.transaction.bind(client);
    client.transaction = (body) => {
      sent.push("BEGIN");
      return transaction((tx) => {
        wrap(tx);
        return body(tx);
      }).finally(() => sent.push("COMMIT"));
    };
  } else {
    // Pool.query checks out a client too: counting the clients' queries counts everything once.
    const pool = store.client as unknown as { connect: (...args: unknown[]) => unknown };
    const connect = pool.connect.bind(pool);
    pool.connect = (...args: unknown[]) => {
      const callback = args[0];
      if (typeof callback === "function") {
        return connect((error: unknown, client: Query | undefined, release: unknown) => {
          if (client) wrap(client);
          callback(error, client, release);
        });
      }
      return (connect() as Promise<Query>).then((client) => (wrap(client), client));
    };
  }
  return {
    take(): string[] {
      return sent.splice(0, sent.length);
    },
  };
}

describe.each(["pglite", "postgres"] as const)("the audited faucet-call pipeline on %s", (engine) => {
  let cleanup: () => Promise<void>;
  let counter: ReturnType<typeof countStatements>;
  beforeAll(async () => {
    cleanup = await useFreshProcessStore(engine, inject("storeDatabaseUrl"));
    counter = countStatements(await getStore());
  });
  afterAll(() => cleanup());
  beforeEach(() => {
    vi.clearAllMocks();
    doubles.failNextAppend = false;
    doubles.saveSessionCookie.mockResolvedValue({ saved: true });
    doubles.regenerateAgentKey.mockImplementation(async () => ({
      apiKey: `agent_${randomUUID().replaceAll("-", "")}`,
      cooldownUntil: null,
    }));
    doubles.regenerateOperatorKey.mockImplementation(async () => ({
      apiKey: `lf_${randomUUID().replaceAll("-", "")}`,
      cooldownUntil: null,
    }));
  });

  it(`one agent rotation sends at most ${MAX_STATEMENTS_PER_AGENT_ROTATION} statements: the rate limit, then two transactions`, async () => {
    const session = await signedIn();
    // Warm: the first use of the limiter table and the operator's chain costs nothing extra, but be fair to both.
    await rotate({ session, batchId: null, bulk: null }, confirmation(3));
    counter.take();

    const result = await rotate({ session, batchId: null, bulk: null }, confirmation(4));
    const sent = counter.take();
    expect(result).toMatchObject({ ok: true, data: { warning: null } });
    expect(doubles.regenerateAgentKey).toHaveBeenCalledTimes(2);
    const transactions = sent.filter((statement) => /^\s*begin\b/i.test(statement));
    expect(transactions, sent.join("\n")).toHaveLength(2);
    expect(sent.length, sent.join("\n")).toBeLessThanOrEqual(MAX_STATEMENTS_PER_AGENT_ROTATION);
    console.info(
      `${engine}: one agent rotation sent ${sent.length} statements in ${transactions.length} transactions + the rate limit`,
    );
  });

  it(`one agent rotation handed off sends at most ${MAX_STATEMENTS_PER_HANDED_OFF_ROTATION} statements: its row and create_handoff event go in the completion's insert, and it redeems once`, async () => {
    const session = await signedIn();
    await rotate({ session, batchId: null, bulk: null }, confirmation(3));
    counter.take();

    const context = { session, batchId: null, bulk: null };
    const request = confirmation(5);
    const result = await runChange(
      context,
      withHandoff(rotationChange(context, request), {
        session,
        agentId: 5,
        agentName: "Handed Bot",
        batchId: null,
        attemptId: request.attemptId,
      }),
    );
    const sent = counter.take();
    expect(result).toMatchObject({ ok: true, data: { apiKey: null, handoff: { id: expect.any(String) } } });
    expect(sent.filter((statement) => /^\s*begin\b/i.test(statement))).toHaveLength(2);
    expect(sent.length, sent.join("\n")).toBeLessThanOrEqual(MAX_STATEMENTS_PER_HANDED_OFF_ROTATION);
    console.info(`${engine}: one agent rotation handed off sent ${sent.length} statements`);
    // Fewer statements, the same hand-off: stored, opened by its token alone, once, and in the log.
    const faucetKey = ((await doubles.regenerateAgentKey.mock.results.at(-1)?.value) as { apiKey: string }).apiKey;
    const { id, token } = (result as { data: { handoff: { id: string; token: string } } }).data.handoff;
    const client = { address: "203.0.113.9", userAgent: "store-test" };
    expect(await redeemHandoff(id, token, client)).toMatchObject({ ok: true, apiKey: faucetKey });
    expect(await redeemHandoff(id, token, client)).toMatchObject({ ok: false, refusal: "already_redeemed" });
    const { entries } = await listAuditEntries({
      operatorId: session.operatorId,
      filters: {},
      cursor: null,
      limit: 10,
      staleBefore: Date.now() - 60_000,
    });
    expect(entries.map((entry) => [entry.action, entry.target, entry.outcome])).toEqual(
      expect.arrayContaining([
        ["create_handoff", "agent:5", "ok"],
        ["rotate_agent_key", "agent:5", "ok"],
      ]),
    );
  });

  it(`one operator-key rotation sends at most ${MAX_STATEMENTS_PER_OPERATOR_ROTATION} statements, and makes a new session`, async () => {
    const session = await signedIn();
    counter.take();
    const result = await rotate(
      { session, batchId: null, bulk: null },
      { subject: { kind: "operator" }, attemptId: randomUUID(), knownRotationAt: null, ownAttemptId: null },
    );
    const sent = counter.take();
    expect(result).toMatchObject({ ok: true, data: { warning: null } });
    expect(sent.filter((statement) => /^\s*begin\b/i.test(statement))).toHaveLength(2);
    expect(sent.length, sent.join("\n")).toBeLessThanOrEqual(MAX_STATEMENTS_PER_OPERATOR_ROTATION);
    const cookie = doubles.saveSessionCookie.mock.calls[0]?.[0] as { sessionId: string } | undefined;
    expect(cookie?.sessionId).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(cookie?.sessionId).not.toBe(session.sessionId);
  });

  it("counts the plain action's rotations against RATE_LIMIT_ROTATIONS even with a batchId; only the bulk route's run spends the bulk budget", async () => {
    const session = await signedIn();
    const label = randomUUID();
    // RATE_LIMIT_ROTATIONS is 20 a minute by default; the bulk budget is 6,000.
    for (let agentId = 1; agentId <= 20; agentId++) {
      expect(await rotate({ session, batchId: label, bulk: null }, confirmation(agentId))).toMatchObject({ ok: true });
    }
    expect(await rotate({ session, batchId: label, bulk: null }, confirmation(21))).toMatchObject({
      ok: false,
      code: "rate_limited",
    });
    expect(doubles.regenerateAgentKey).toHaveBeenCalledTimes(20);
    // The same operator in a run the server issued still has its bulk budget.
    const run = await issueBulkRun(session.operatorId, "rotate", 1);
    expect(await rotate({ session, batchId: run.batchId, bulk: "rotate" }, confirmation(21))).toMatchObject({
      ok: true,
    });
  });

  it("accepts on the bulk route only a live run issued to this operator for this kind, for at most its size", async () => {
    const session = await signedIn();
    const other = await signedIn();
    const bulk = (batchId: string, agentId: number, kind: "rotate" | "deactivate" = "rotate") =>
      rotate({ session, batchId, bulk: kind }, confirmation(agentId));
    const refused = {
      ok: false,
      code: "invalid_input",
      message: expect.stringContaining("not started by the console"),
    };

    expect(await bulk(randomUUID(), 1), "a made-up batch id").toMatchObject(refused);
    const others = await issueBulkRun(other.operatorId, "rotate", 5);
    expect(await bulk(others.batchId, 2), "another operator's run").toMatchObject(refused);
    const expired = await issueBulkRun(session.operatorId, "rotate", 5, Date.now() - 2 * 60 * 60_000);
    expect(await bulk(expired.batchId, 3), "an expired run").toMatchObject(refused);
    const deactivation = await issueBulkRun(session.operatorId, "deactivate", 5);
    expect(await bulk(deactivation.batchId, 4), "a run of another kind").toMatchObject(refused);
    expect(doubles.regenerateAgentKey).not.toHaveBeenCalled();

    const run = await issueBulkRun(session.operatorId, "rotate", 2);
    expect(await bulk(run.batchId, 5)).toMatchObject({ ok: true });
    expect(await bulk(run.batchId, 6)).toMatchObject({ ok: true });
    expect(await bulk(run.batchId, 7), "a third call in a run of two").toMatchObject(refused);
    expect(doubles.regenerateAgentKey).toHaveBeenCalledTimes(2);
    const { db } = await getStore();
    expect(await db.select({ used: bulkRuns.used }).from(bulkRuns).where(eq(bulkRuns.id, run.batchId))).toEqual([
      { used: 2 },
    ]);
    const refusals = (
      await db.execute(
        sql`select count(*)::int as n from audit_events where operator_id = ${session.operatorId} and refusal = 'unknown_batch'`,
      )
    ).rows as { n: number }[];
    expect(refusals).toEqual([{ n: 5 }]);
  });

  it("gives a bulk call the faucet refused (committing nothing) back to its run, so the run's retry fits in its size", async () => {
    const session = await signedIn();
    const run = await issueBulkRun(session.operatorId, "rotate", 1);
    doubles.regenerateAgentKey.mockRejectedValueOnce(
      new FaucetError("rate_limited", "Too many requests.", { retryAfterSeconds: 1 }),
    );
    expect(await rotate({ session, batchId: run.batchId, bulk: "rotate" }, confirmation(1))).toMatchObject({
      ok: false,
      code: "rate_limited",
    });
    expect(await rotate({ session, batchId: run.batchId, bulk: "rotate" }, confirmation(1))).toMatchObject({
      ok: true,
    });
    expect(await rotate({ session, batchId: run.batchId, bulk: "rotate" }, confirmation(2))).toMatchObject({
      ok: false,
      code: "invalid_input",
    });
    // A call that may have committed keeps its claim.
    const unknown = await issueBulkRun(session.operatorId, "rotate", 1);
    doubles.regenerateAgentKey.mockRejectedValueOnce(
      new FaucetError("timeout", "No answer.", { mayHaveCommitted: true }),
    );
    expect(await rotate({ session, batchId: unknown.batchId, bulk: "rotate" }, confirmation(3))).toMatchObject({
      ok: false,
      code: "outcome_unknown",
    });
    expect(await rotate({ session, batchId: unknown.batchId, bulk: "rotate" }, confirmation(3))).toMatchObject({
      ok: false,
      code: "invalid_input",
    });
  });

  it("releases the guard with the pending event it could not write: no faucet call, no attempt left, the next confirmation begins at once", async () => {
    const session = await signedIn();
    const first = confirmation(9);
    doubles.failNextAppend = true;
    expect(await rotate({ session, batchId: null, bulk: null }, first)).toMatchObject({
      ok: false,
      code: "store_unavailable",
    });
    expect(doubles.regenerateAgentKey).not.toHaveBeenCalled();
    const { db } = await getStore();
    expect(await db.select().from(keyRotations).where(eq(keyRotations.id, first.attemptId))).toEqual([]);
    // A claim left pending would make this wait for it to be abandoned (15 s) and then say "rotated elsewhere".
    const started = Date.now();
    expect(await rotate({ session, batchId: null, bulk: null }, confirmation(9))).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("of twenty rotations of one agent at the same instant, one calls the faucet and nineteen are refused as rotated elsewhere", async () => {
    const session = await signedIn();
    // The faucet takes a moment, so the others find the attempt in flight and wait for it.
    doubles.regenerateAgentKey.mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { apiKey: `agent_${randomUUID().replaceAll("-", "")}`, cooldownUntil: null };
    });
    const results = await Promise.all(
      Array.from({ length: 20 }, () => rotate({ session, batchId: null, bulk: null }, confirmation(11))),
    );
    expect(doubles.regenerateAgentKey).toHaveBeenCalledTimes(1);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    const refused = results.filter((result) => !result.ok);
    expect(refused).toHaveLength(19);
    for (const result of refused)
      expect(result).toMatchObject({
        ok: false,
        code: "rotated_elsewhere",
        lastRotation: { sessionLabel: session.label },
      });
    const { db } = await getStore();
    const refusals = (
      await db.execute(
        sql`select count(*)::int as n from audit_events where operator_id = ${session.operatorId} and refusal = 'rotated_elsewhere'`,
      )
    ).rows as { n: number }[];
    expect(refusals).toEqual([{ n: 19 }]);
    expect(
      await db
        .select({ status: keyRotations.status })
        .from(keyRotations)
        .where(eq(keyRotations.operatorId, session.operatorId)),
    ).toEqual([{ status: "committed" }]);
  });

  it("sends a confirmation submitted twice at once to the faucet once, and refuses the copy", async () => {
    const session = await signedIn();
    doubles.regenerateAgentKey.mockImplementation(async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { apiKey: `agent_${randomUUID().replaceAll("-", "")}`, cooldownUntil: null };
    });
    const same = confirmation(12);
    const [first, second] = await Promise.all([
      rotate({ session, batchId: null, bulk: null }, same),
      rotate({ session, batchId: null, bulk: null }, { ...same }),
    ]);
    expect(doubles.regenerateAgentKey).toHaveBeenCalledTimes(1);
    // The copy that waited finds this very attempt committed: a duplicate, told as such, never "rotated elsewhere".
    expect([first, second].filter((result) => result.ok)).toHaveLength(1);
    expect([first, second].find((result) => !result.ok)).toMatchObject({
      ok: false,
      code: "outcome_unknown",
      message: expect.stringContaining("reached the console twice"),
    });
  });

  it("records the agent's name from the operator's last list read here, with no faucet call of its own; an unknown name stays null", async () => {
    const session = await signedIn();
    const listed = {
      balanceSats: 0,
      isActive: true,
      cooldownUntil: null,
      budgetLimitSats: null,
      budgetLimitKnown: true,
    };
    await agentListMemo().get(
      session.operatorId,
      session.operatorKey,
      () => Promise.resolve([{ ...listed, id: 4, name: "Research Bot", createdAt: null, description: null }]),
      { fresh: true },
    );
    counter.take();
    // The faucet double has no listAgents: a lookup at the faucet would fail the rotation.
    expect(await rotate({ session, batchId: null, bulk: null }, confirmation(4))).toMatchObject({ ok: true });
    expect(counter.take().length).toBeLessThanOrEqual(MAX_STATEMENTS_PER_AGENT_ROTATION);
    expect(await rotate({ session, batchId: null, bulk: null }, confirmation(9))).toMatchObject({ ok: true });
    const { entries } = await listAuditEntries({
      operatorId: session.operatorId,
      filters: {},
      cursor: null,
      limit: 10,
      staleBefore: 0,
    });
    expect(entries.map((entry) => [entry.target, entry.agentName])).toEqual([
      ["agent:9", null],
      ["agent:4", "Research Bot"],
    ]);
    // Both rows of the rotation carry it, so the completion's hash covers it too.
    const rows = await (
      await getStore()
    ).db.execute<{ agent_name: string | null }>(
      sql`select agent_name from audit_events where operator_id = ${session.operatorId} and target = 'agent:4'`,
    );
    expect(rows.rows).toEqual([{ agent_name: "Research Bot" }, { agent_name: "Research Bot" }]);
  });

  it("leaves every audit chain it wrote valid", async () => {
    expect(await verifyAuditChains((await getStore()).db, { keyring: auditKeyring() })).toMatchObject({
      ok: true,
      unkeyed: 0,
    });
  });
});
