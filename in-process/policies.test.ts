import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import fc from "fast-check";
import { isValidElement, type ReactElement } from "react";
import { NextRequest } from "next/server";
import AgentDetailsPage from "@/app/agents/[id]/page";
import PoliciesPage from "@/app/agents/policies/page";
import { GET as matchingRoute } from "@/app/api/agents/matching/route";
import { GET as agentsRoute } from "@/app/api/agents/route";
import { describe, expect, it, vi } from "vitest";
import { auditRows, connectHost, eventually } from "@/e2e/support/policy-fixtures";
import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { clearRotationPolicyAction, setRotationPolicyAction } from "@/lib/actions/rotation-policy";
import { policyRunCounts } from "@/lib/policies/policy-run";
import { DAY_MS } from "@/lib/agents/policy-due";
import { startPolicyWorker } from "@/lib/policies/policy-worker";
import { agentsNeedingPerson } from "@/lib/agents/policy-standing";
import { policyOverview } from "@/lib/policies/rotation-policies";
import { getStore } from "@/lib/store/get-store";
import { keyRotations, policyArmings, policyRuns } from "@/lib/store/schema";
import { anyArguments, cookieArbitrary, TYPED_CODES } from "./support/action-inputs";
import { FUZZ_RUNS, inProcessConsoleForFile } from "./support/fuzz-console";
import { asRequest } from "./support/in-process-console";
import { CONSOLE_ORIGIN } from "./support/next-headers-double";

/** Any faucet key the emulator makes (lf_ or agent_ and 32 hex characters). */
const KEY_PATTERN = /(?:lf|agent)_[0-9a-f]{32}/;

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * Rotation policies on the embedded engine: pg-boss over the console's own PGlite (its
 * bring-your-own-database option), the sweep judged by a test clock, the faucet's call counts
 * as the oracle for "exactly one call" and "never retried".
 */
const inProcess = inProcessConsoleForFile();

async function returned<T>(cookie: string, work: () => Promise<T>): Promise<T> {
  const outcome = await asRequest({ cookie }, work);
  if (outcome.kind !== "returned") throw new Error(`redirected to ${outcome.url}`);
  return outcome.value;
}

/** The agents table's "Keys past their policy" filter, on both data routes, lists exactly `agentIds`. */
async function expectFilterLists(cookie: string, agentIds: number[]) {
  for (const path of ["/api/agents?filter=past-policy", "/api/agents/matching?filter=past-policy"]) {
    const url = new URL(path, CONSOLE_ORIGIN);
    const route = url.pathname === "/api/agents" ? agentsRoute : matchingRoute;
    const response = await returned(cookie, () => route(new NextRequest(url)));
    const body = (await response.json()) as { agents: { id: number }[] };
    expect(
      body.agents.map((agent) => agent.id).sort((a, b) => a - b),
      path,
    ).toEqual([...agentIds].sort((a, b) => a - b));
  }
}

describe("rotation policies on PGlite (pg-boss over db.executeSql)", () => {
  it("rotates the due keys of agents with a host once, reminds the others, and never retries a lost reply", async () => {
    const { operatorKey, operatorId, agents } = await inProcess.console.newOperator("Policy Operator", [
      "Hosted One",
      "Hosted Two",
      "No Host",
    ]);
    const [one, two, bare] = agents as [(typeof agents)[0], (typeof agents)[0], (typeof agents)[0]];
    const cookie = await inProcess.console.signInCookie(operatorKey);
    const { db } = await getStore();
    await connectHost(db, operatorId, one.id);
    await connectHost(db, operatorId, two.id);

    // Typed refusals for bad input; nothing armed by them.
    expect(await returned(cookie, () => setRotationPolicyAction({ agentId: null, everyDays: 0 }))).toMatchObject({
      ok: false,
      code: "invalid_input",
    });
    expect(await returned(cookie, () => setRotationPolicyAction({ agentId: 999_999, everyDays: 5 }))).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect(await db.select().from(policyArmings)).toHaveLength(0);

    const set = await returned(cookie, () => setRotationPolicyAction({ agentId: null, everyDays: 30 }));
    expect(set).toMatchObject({ ok: true, data: { operatorWide: 30, arming: "armed" } });
    // The armed key is sealed: the operator key is nowhere in the row.
    const [armed] = await db.select().from(policyArmings);
    expect(JSON.stringify(armed)).not.toContain(operatorKey);

    let clock = Date.now();
    const regenerations = () => inProcess.console.callsOf(operatorId).regenerate_agent_key ?? 0;
    const worker = await startPolicyWorker(await getStore(), {
      now: () => clock,
      schedule: false,
      pollingIntervalSeconds: 0.5,
    });
    try {
      // Not due yet: a sweep makes no call.
      await worker.sweepNow();
      await eventually(
        () => worker.boss.getQueueSize("policy-sweep", { before: "completed" }),
        (size) => size === 0,
      );
      expect(regenerations()).toBe(0);

      // 30 days on (the agents were made before `clock`, the rotations come after it): the two hosted
      // agents are rotated, one call each; the third gets a reminder.
      clock += 30 * DAY_MS;
      await worker.sweepNow();
      await eventually(
        () => policyRunCounts(operatorId),
        (counts) => counts.ok === 2 && counts.skipped_no_host === 1,
      );
      expect(regenerations()).toBe(2);
      const runs = await auditRows(db, operatorId, "policy_run");
      expect(runs.map((row) => [row.target, row.outcome, row.sessionLabel]).sort()).toEqual(
        [
          [`agent:${one.id}`, "ok", "policy"],
          [`agent:${two.id}`, "ok", "policy"],
        ].sort(),
      );
      const skipped = await auditRows(db, operatorId, "policy_skipped");
      expect(skipped.map((row) => [row.target, row.refusal])).toEqual([[`agent:${bare.id}`, "no_host"]]);
      const rotations = await auditRows(db, operatorId, "rotate_agent_key");
      expect(rotations.every((row) => row.sessionLabel === "policy")).toBe(true);
      expect(rotations.filter((row) => row.outcome === "ok")).toHaveLength(2);

      // The same clock again (the sweeps of two instances, say): the new keys are not due, nothing more.
      await worker.sweepNow();
      await worker.sweepNow();
      await eventually(
        () => worker.boss.getQueueSize("policy-sweep", { before: "completed" }),
        (size) => size === 0,
      );
      await eventually(
        () => worker.boss.getQueueSize("policy-rotation", { before: "completed" }),
        (size) => size === 0,
      );
      expect(regenerations()).toBe(2);
      expect(await auditRows(db, operatorId, "policy_skipped")).toHaveLength(1);

      // 30 days after those rotations, every reply is lost: one call each, marked for a person, never sent again.
      inProcess.console.faucet.setFaults({
        operatorIds: [operatorId],
        actions: ["regenerate_agent_key"],
        dropReplyAfterCommit: true,
      });
      clock = Date.now() + 30 * DAY_MS;
      await worker.sweepNow();
      await eventually(
        () => policyRunCounts(operatorId),
        (counts) => counts.outcome_unknown === 2,
      );
      expect(regenerations()).toBe(4);
      inProcess.console.faucet.setFaults({ operatorIds: [operatorId] });
      for (const minutes of [1, 2, 3]) {
        clock += minutes * 60_000;
        await worker.sweepNow();
      }
      await eventually(
        () => worker.boss.getQueueSize("policy-sweep", { before: "completed" }),
        (size) => size === 0,
      );
      await eventually(
        () => worker.boss.getQueueSize("policy-rotation", { before: "completed" }),
        (size) => size === 0,
      );
      expect(regenerations(), "a policy rotation with an unknown outcome is never retried").toBe(4);
      expect((await agentsNeedingPerson(db, operatorId)).sort()).toEqual([one.id, two.id].sort());
      expect((await policyOverview(operatorId)).needsPerson.sort()).toEqual([one.id, two.id].sort());

      // Dump canary: no key of this operator or its agents in pg-boss's jobs (data and output) or the policy tables.
      const dump = JSON.stringify(
        (
          await db.execute(
            sql`select data, output from pgboss.job union all select data, output from pgboss.archive
                union all select to_jsonb(r), null from policy_runs r union all select to_jsonb(p), null from rotation_policies p
                union all select to_jsonb(a), null from policy_armings a`,
          )
        ).rows,
      );
      expect(dump).not.toContain(operatorKey);
      for (const agent of agents) expect(dump).not.toContain(agent.key);
      expect(dump).not.toMatch(KEY_PATTERN);

      // A person's Rotate again (from a page that knows of the policy's rotations) settles one of them: one more call.
      const again = await returned(cookie, () =>
        rotateAgentKey({ agentId: one.id, attemptId: randomUUID(), knownRotationAt: Date.now(), ownAttemptId: null }),
      );
      expect(again, JSON.stringify(again)).toMatchObject({ ok: true });
      expect(regenerations()).toBe(5);
      expect(await agentsNeedingPerson(db, operatorId)).toEqual([two.id]);

      // Clearing the last policy deletes the sealed key.
      expect(await returned(cookie, () => clearRotationPolicyAction({ agentId: null }))).toMatchObject({
        ok: true,
        data: { operatorWide: null, arming: "none" },
      });
      expect(await db.select().from(policyArmings)).toHaveLength(0);
    } finally {
      await worker.stop(5_000);
    }
  });

  it("a reminded agent is rotated once a host connects; a lost reply is not retried when the policy changes", async () => {
    const { operatorKey, operatorId, agents } = await inProcess.console.newOperator("Late Host Operator", [
      "Late Host",
    ]);
    const late = agents[0]!;
    const cookie = await inProcess.console.signInCookie(operatorKey);
    const { db } = await getStore();
    expect(await returned(cookie, () => setRotationPolicyAction({ agentId: null, everyDays: 30 }))).toMatchObject({
      ok: true,
    });
    let clock = Date.now() + 30 * DAY_MS;
    const regenerations = () => inProcess.console.callsOf(operatorId).regenerate_agent_key ?? 0;
    const worker = await startPolicyWorker(await getStore(), {
      now: () => clock,
      schedule: false,
      pollingIntervalSeconds: 0.5,
    });
    const settled = async () => {
      await eventually(
        () => worker.boss.getQueueSize("policy-sweep", { before: "completed" }),
        (size) => size === 0,
      );
      await eventually(
        () => worker.boss.getQueueSize("policy-rotation", { before: "completed" }),
        (size) => size === 0,
      );
    };
    try {
      // Overdue with no host: a reminder, no call; a second sweep reminds no more.
      await worker.sweepNow();
      await eventually(
        () => policyRunCounts(operatorId),
        (counts) => counts.skipped_no_host === 1,
      );
      await worker.sweepNow();
      await settled();
      expect(regenerations()).toBe(0);
      expect(await auditRows(db, operatorId, "policy_skipped")).toHaveLength(1);

      // A host connects: the next sweep rotates that same due key, once.
      await connectHost(db, operatorId, late.id);
      clock += 60_000;
      await worker.sweepNow();
      await eventually(
        () => policyRunCounts(operatorId),
        (counts) => counts.ok === 1,
      );
      expect(regenerations()).toBe(1);

      // 30 days on, the reply is lost: marked for a person.
      inProcess.console.faucet.setFaults({
        operatorIds: [operatorId],
        actions: ["regenerate_agent_key"],
        dropReplyAfterCommit: true,
      });
      clock = Date.now() + 31 * DAY_MS;
      await worker.sweepNow();
      await eventually(
        () => policyRunCounts(operatorId),
        (counts) => counts.outcome_unknown === 1,
      );
      expect(regenerations()).toBe(2);
      inProcess.console.faucet.setFaults({ operatorIds: [operatorId] });

      // The policy edited (a new due time for the same key): still no worker touches it.
      expect(await returned(cookie, () => setRotationPolicyAction({ agentId: null, everyDays: 29 }))).toMatchObject({
        ok: true,
      });
      clock += 60_000;
      await worker.sweepNow();
      await settled();
      expect(regenerations(), "an unknown outcome is not retried under a changed policy").toBe(2);
      expect(await agentsNeedingPerson(db, operatorId)).toEqual([late.id]);
    } finally {
      await worker.stop(5_000);
    }
  });

  it("a sweep sent for one operator (what saving a policy sends) rotates that operator's due keys only", async () => {
    const first = await inProcess.console.newOperator("Sweep Mine Operator", ["Mine Hosted"]);
    const second = await inProcess.console.newOperator("Sweep Other Operator", ["Other Hosted"]);
    const { db } = await getStore();
    for (const operator of [first, second]) {
      await connectHost(db, operator.operatorId, operator.agents[0]!.id);
      const cookie = await inProcess.console.signInCookie(operator.operatorKey);
      expect(await returned(cookie, () => setRotationPolicyAction({ agentId: null, everyDays: 30 }))).toMatchObject({
        ok: true,
      });
    }
    const regenerations = (operatorId: number) => inProcess.console.callsOf(operatorId).regenerate_agent_key ?? 0;
    const clock = Date.now() + 30 * DAY_MS;
    const worker = await startPolicyWorker(await getStore(), {
      now: () => clock,
      schedule: false,
      pollingIntervalSeconds: 0.5,
    });
    try {
      await worker.sweepNow(first.operatorId);
      await eventually(
        () => policyRunCounts(first.operatorId),
        (counts) => counts.ok === 1,
      );
      await eventually(
        () => worker.boss.getQueueSize("policy-sweep", { before: "completed" }),
        (size) => size === 0,
      );
      expect(regenerations(first.operatorId)).toBe(1);
      expect(regenerations(second.operatorId)).toBe(0);
      // The cron's sweep (every operator) then finds the other one.
      await worker.sweepNow();
      await eventually(
        () => policyRunCounts(second.operatorId),
        (counts) => counts.ok === 1,
      );
      expect(regenerations(first.operatorId)).toBe(1);
      expect(regenerations(second.operatorId)).toBe(1);
    } finally {
      await worker.stop();
    }
  });

  it("the policies page lists the keys past their policy: rotated with a host, reminded without one", async () => {
    const { operatorKey, operatorId, agents } = await inProcess.console.newOperator("Policy Page Operator", [
      "Old Hosted",
      "Old Bare",
      "Young",
    ]);
    const [hosted, bare] = agents as [(typeof agents)[0], (typeof agents)[0]];
    const cookie = await inProcess.console.signInCookie(operatorKey);
    const { db } = await getStore();
    await connectHost(db, operatorId, hosted.id);
    // Keys rotated 94 days ago, as the store recorded them.
    const longAgo = new Date(Date.now() - 94 * DAY_MS);
    for (const agent of [hosted, bare])
      await db.insert(keyRotations).values({
        id: randomUUID(),
        operatorId,
        target: `agent:${agent.id}`,
        sessionLabel: "person01",
        instanceId: "test",
        status: "committed",
        startedAt: longAgo,
        finishedAt: longAgo,
        keyLabel: "agent_…0000",
      });
    expect(await returned(cookie, () => setRotationPolicyAction({ agentId: null, everyDays: 30 }))).toMatchObject({
      ok: true,
    });
    const text = textOf(await returned(cookie, () => PoliciesPage()));
    expect(text).toContain("Keys past their policy (2)");
    expect(text).toContain("Key is 94 days old (policy: every 30 days)");
    expect(text).toContain(`Rotated by the policy within a minute (host host-${hosted.id})`);
    expect(text).toContain("Reminder only: no connected host");
    expect(text).not.toContain(operatorKey);

    // The agents table's filter of the same name lists the same two, and not the young one.
    await expectFilterLists(cookie, [hosted.id, bare.id]);

    // A policy run left the young agent's key for a person (its reply was lost): the page and the filter
    // both list it too, though its key is not past the policy.
    const young = agents[2]!;
    await db.insert(policyRuns).values({
      operatorId,
      agentId: young.id,
      dueAt: new Date(Date.now() - DAY_MS),
      status: "outcome_unknown",
      instanceId: "test",
      startedAt: new Date(Date.now() - 60_000),
      finishedAt: new Date(),
    });
    const withWaiting = textOf(await returned(cookie, () => PoliciesPage()));
    expect(withWaiting).toContain("Keys past their policy (3)");
    expect(withWaiting).toContain("Its policy run has no confirmed key at a host");
    await expectFilterLists(cookie, [hosted.id, bare.id, young.id]);

    // The details page hands its policy section what applies: the operator-wide policy, no host, a reminder.
    const details = await returned(cookie, async () =>
      resolveServerTree(await AgentDetailsPage({ params: Promise.resolve({ id: String(bare.id) }) })),
    );
    expect(isValidElement(details) && (details.props as { policy?: unknown }).policy).toEqual({
      everyDays: null,
      operatorWide: 30,
      hostConnected: false,
      needsPerson: false,
    });
  });
});

describe("the policy actions with random arguments and cookies", () => {
  /** What could be a real request (an object of only agentId and everyDays) is left to the tests above. */
  const couldBeValid = (input: unknown) =>
    typeof input === "object" &&
    input !== null &&
    !Array.isArray(input) &&
    Object.keys(input).every((key) => key === "agentId" || key === "everyDays");

  for (const [name, action] of [
    ["setRotationPolicyAction", setRotationPolicyAction],
    ["clearRotationPolicyAction", clearRotationPolicyAction],
  ] as const) {
    it(`${name} answers with typed refusals, no faucet call and nothing armed (${FUZZ_RUNS} runs)`, async () => {
      const { operatorKey, operatorId } = await inProcess.console.newOperator(`Fuzz ${name}`, ["Fuzz Policy Bot"]);
      const validCookie = await inProcess.console.signInCookie(operatorKey);
      const before = inProcess.console.callsOf(operatorId);
      const codes = new Set<string>();
      await fc.assert(
        fc.asyncProperty(
          anyArguments.filter((list) => !(Array.isArray(list) && list.length === 1 && couldBeValid(list[0]))),
          cookieArbitrary(validCookie),
          async (list, cookie) => {
            const outcome = await asRequest({ cookie }, () =>
              (action as (...args: unknown[]) => Promise<unknown>)(...(Array.isArray(list) ? list : [list])),
            );
            expect(outcome.kind).toBe("returned");
            const result = (outcome as { value: { ok: boolean; code?: string } }).value;
            expect(result.ok).toBe(false);
            expect(TYPED_CODES).toContain(result.code);
            codes.add(result.code ?? "");
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
      expect([...codes].sort()).toEqual(["invalid_input", "signed_out"]);
      expect(inProcess.console.callsOf(operatorId)).toEqual(before);
      const { db } = await getStore();
      expect(await db.select().from(policyArmings).where(eq(policyArmings.operatorId, operatorId))).toHaveLength(0);
    });
  }
});

/** Runs every async (server) component in a tree, as the server render would; client components stay elements. */
async function resolveServerTree(node: unknown): Promise<unknown> {
  if (Array.isArray(node)) return Promise.all(node.map(resolveServerTree));
  if (!isValidElement(node)) return node;
  const { type, props } = node as ReactElement<{ children?: unknown }>;
  if (typeof type === "function" && type.constructor.name === "AsyncFunction")
    return resolveServerTree(await (type as (p: unknown) => Promise<unknown>)(props));
  if (props?.children === undefined) return node;
  return { ...node, props: { ...props, children: await resolveServerTree(props.children) } };
}

/** The text a tree renders (server parts), joined: enough to read what a page says. */
function textOf(node: unknown): string {
  if (typeof node === "string" || typeof node === "number") return String(node);
  if (Array.isArray(node)) return node.map(textOf).join("");
  if (isValidElement(node)) {
    const props = node.props as { children?: unknown; title?: unknown };
    return textOf(props.children) + (typeof props.title === "string" ? props.title : "");
  }
  return "";
}
