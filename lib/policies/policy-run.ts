import "server-only";
import { randomUUID } from "node:crypto";
import { and, eq, inArray, lt, or, sql } from "drizzle-orm";
import type { AuditActor } from "@/lib/audit/audit-actor";
import { recordAuditEventIn } from "@/lib/audit/record-audit-event";
import { issueBulkRun } from "@/lib/changes/bulk-runs";
import { runChange, type Change, type ChangeContext } from "@/lib/changes/run-change";
import { instanceId } from "@/lib/config/env";
import { getFaucetClient, isFaucetError, type Rotation } from "@/lib/faucet";
import { connectedHostsFor } from "@/lib/hosts/connected-hosts";
import { withSealedDelivery, type WithDelivery } from "@/lib/hosts/sealed-delivery";
import { latestRotations } from "@/lib/keys/rotation-attempts";
import { rotationChange, type RotateRequest, type Rotated } from "@/lib/keys/rotate";
import { log } from "@/lib/log";
import { getStore } from "@/lib/store/get-store";
import { policyRuns } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";
import {
  armedOperator,
  armedOperators,
  pausePolicies,
  policySession,
  POLICY_SESSION_LABEL,
  type ArmedOperator,
} from "./policy-arming";
import { overdueAgents, type DueAgent } from "@/lib/agents/policy-due";
import { agentsNeedingPerson, policiesOf } from "@/lib/agents/policy-standing";

/**
 * What a policy does, in two steps that pg-boss schedules (lib/policies/policy-worker.ts):
 *
 * - the **sweep** (once a minute, one instance): for every armed operator, the agents whose key
 *   is past its policy. Those with a connected host become one `policy-rotation` job each, keyed
 *   by agent and due time; the others get a reminder and one `policy_skipped` audit event.
 * - the **run** of one job: claims (agent, due time) in `policy_runs` (exactly once across
 *   instances, whatever pg-boss does), then the same pipeline as a person's rotation (limit,
 *   guard, audit from session "policy", exactly one faucet call). A run whose outcome is unknown
 *   is never retried: it waits for a person, with Rotate again.
 */

/** One policy rotation: what the sweep hands to pg-boss (no key, ever: the job table is not a vault). */
export type PolicyJob = {
  operatorId: number;
  agentId: number;
  dueAt: number;
  /** The last committed rotation the sweep saw: a rotation after it (a person's) refuses this one. */
  knownRotationAt: number | null;
  /** The server-issued bulk run that carries the run's budget and labels its audit events. */
  batchId: string;
};

/** The job's identity: one per agent and due time (pg-boss singleton key). */
export function policyJobKey(job: Pick<PolicyJob, "operatorId" | "agentId" | "dueAt">): string {
  return `policy:${job.operatorId}:${job.agentId}:${job.dueAt}`;
}

function policyActor(operatorId: number): AuditActor {
  return {
    operatorId,
    sessionLabel: POLICY_SESSION_LABEL,
    clientAddress: null,
    userAgent: null,
    instanceId: instanceId(),
  };
}

/** A refused run may be tried again by a later sweep: nothing changed at the faucet. */
const REFUSED_RETRY_AFTER_MS = 10 * 60_000;

export type SweepResult = { enqueued: PolicyJob[]; skipped: DueAgent[] };

/**
 * One operator's sweep: which keys are due at `now` (the tests move that clock; every time the
 * sweep stores is the real one). `enqueue` hands the jobs to pg-boss (which drops a job whose
 * key is already queued); the store's claim makes a second copy harmless anyway.
 */
export async function sweepOperator(
  armed: ArmedOperator,
  now: number,
  enqueue: (jobs: PolicyJob[]) => Promise<void>,
): Promise<SweepResult> {
  const { db } = await getStore();
  const policies = await policiesOf(db, armed.operatorId);
  if (policies.operatorWide === null && policies.byAgent.size === 0) return { enqueued: [], skipped: [] };
  let agents;
  try {
    agents = await getFaucetClient().listAgents(armed.operatorKey);
  } catch (error) {
    if (isFaucetError(error) && error.kind === "invalid_key") {
      await pausePolicies(db, armed.operatorId, Date.now());
      log.warn("rotation policies paused: the faucet refused the armed operator key", { operatorId: armed.operatorId });
      return { enqueued: [], skipped: [] };
    }
    throw error;
  }
  const rotations = await latestRotations(armed.operatorId);
  let due = overdueAgents(
    agents.map((agent) => ({
      id: agent.id,
      createdAt: agent.createdAt,
      lastRotation: rotations.get(`agent:${agent.id}`) ?? null,
    })),
    policies,
    now,
  );
  if (due.length === 0) return { enqueued: [], skipped: [] };
  // An agent waiting for a person (an unknown outcome, a key no host received) is never rotated by
  // a worker again, whatever its due time became (a policy edited since has a new one).
  const waitingForPerson = new Set(await agentsNeedingPerson(db, armed.operatorId));
  if (waitingForPerson.size > 0) due = due.filter((agent) => !waitingForPerson.has(agent.agentId));
  if (due.length === 0) return { enqueued: [], skipped: [] };

  const { taken, skippedBefore } = await takenRuns(db, armed.operatorId, due);
  const open = due.filter((agent) => !taken.has(runKey(agent.agentId, agent.dueAt)));
  const hosts = await connectedHostsFor(
    db,
    armed.operatorId,
    open.map((agent) => agent.agentId),
  );
  // A hostless agent is reminded once per due time, not on every sweep.
  const skipped = open.filter(
    (agent) => !hosts.has(agent.agentId) && !skippedBefore.has(runKey(agent.agentId, agent.dueAt)),
  );
  const toRotate = open.filter((agent) => hosts.has(agent.agentId));

  for (const agent of skipped) await recordSkipped(db, armed.operatorId, agent);
  if (toRotate.length === 0) return { enqueued: [], skipped };

  // The run's budget is the bulk one, through a run the server issues, like incident mode's.
  const run = await issueBulkRun(armed.operatorId, "rotate", toRotate.length);
  const jobs = toRotate.map((agent) => ({
    operatorId: armed.operatorId,
    agentId: agent.agentId,
    dueAt: agent.dueAt,
    knownRotationAt: rotations.get(`agent:${agent.agentId}`)?.at ?? null,
    batchId: run.batchId,
  }));
  await enqueue(jobs);
  return { enqueued: jobs, skipped };
}

/**
 * Every armed, unpaused operator's sweep (or only `operatorId`'s, after that operator set a
 * policy); one operator's failure does not stop the others.
 */
export async function sweepAll(
  now: number,
  enqueue: (jobs: PolicyJob[]) => Promise<void>,
  operatorId?: number,
): Promise<number> {
  const { db } = await getStore();
  let enqueued = 0;
  for (const armed of await armedOperators(db, operatorId)) {
    if (armed.pausedAt !== null) continue;
    try {
      enqueued += (await sweepOperator(armed, now, enqueue)).enqueued.length;
    } catch (error) {
      log.error("a rotation policy sweep failed for one operator; the next sweep tries again", error, {
        operatorId: armed.operatorId,
      });
    }
  }
  return enqueued;
}

function runKey(agentId: number, dueAt: number): string {
  return `${agentId}:${dueAt}`;
}

/** The (agent, due time) pairs a run already holds; a refused one frees up after a while. */
async function takenRuns(
  db: StoreDatabase,
  operatorId: number,
  due: DueAgent[],
): Promise<{ taken: Set<string>; skippedBefore: Set<string> }> {
  const now = Date.now();
  const rows = await db
    .select({
      agentId: policyRuns.agentId,
      dueAt: policyRuns.dueAt,
      status: policyRuns.status,
      finishedAt: policyRuns.finishedAt,
    })
    .from(policyRuns)
    .where(
      and(
        eq(policyRuns.operatorId, operatorId),
        inArray(
          policyRuns.agentId,
          due.map((agent) => agent.agentId),
        ),
      ),
    );
  const open = (row: (typeof rows)[number]) =>
    // A skip is not taken: once the agent has a host, the sweep queues its rotation.
    row.status === "skipped_no_host" ||
    (row.status === "refused" && (row.finishedAt?.getTime() ?? now) < now - REFUSED_RETRY_AFTER_MS);
  const keyOf = (row: (typeof rows)[number]) => runKey(row.agentId, row.dueAt.getTime());
  return {
    taken: new Set(rows.filter((row) => !open(row)).map(keyOf)),
    skippedBefore: new Set(rows.filter((row) => row.status === "skipped_no_host").map(keyOf)),
  };
}

/** No host: a reminder on the agents page and one `policy_skipped` event per due time. */
async function recordSkipped(db: StoreDatabase, operatorId: number, agent: DueAgent): Promise<void> {
  const now = Date.now();
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(policyRuns)
      .values({
        operatorId,
        agentId: agent.agentId,
        dueAt: new Date(agent.dueAt),
        status: "skipped_no_host",
        instanceId: instanceId(),
        startedAt: new Date(now),
        finishedAt: new Date(now),
      })
      .onConflictDoNothing()
      .returning({ agentId: policyRuns.agentId });
    if (inserted.length === 0) return;
    await recordAuditEventIn(tx, policyActor(operatorId), {
      action: "policy_skipped",
      target: `agent:${agent.agentId}`,
      outcome: "refused",
      refusal: "no_host",
    });
  });
}

/**
 * The Change a policy rotation runs: a person's agent rotation, from session "policy". The new
 * key goes to the agent's connected host and nowhere else: the worker never logs it, never
 * returns it to pg-boss (a job's output is stored) and drops it when the run ends.
 */
export function policyRotationChange(
  context: ChangeContext,
  request: RotateRequest & { subject: { kind: "agent"; agentId: number } },
): Change<Rotation, WithDelivery<Rotated>> {
  return withSealedDelivery(rotationChange(context, request), {
    session: context.session,
    agentId: request.subject.agentId,
    rotationId: request.attemptId,
    batchId: context.batchId,
    showKey: false,
  });
}

export type PolicyRunStatus = "ok" | "outcome_unknown" | "key_missing" | "refused" | "not_run";

/**
 * Claims (agent, due time) for this instance: exactly one instance gets it, once. A refused
 * run older than the retry delay may be claimed again (nothing changed at the faucet); any
 * other state, above all `outcome_unknown` and a `running` left by a dead worker, never.
 */
async function claimRun(db: StoreDatabase, job: PolicyJob, attemptId: string, now: number): Promise<boolean> {
  const values = {
    operatorId: job.operatorId,
    agentId: job.agentId,
    dueAt: new Date(job.dueAt),
    status: "running",
    attemptId,
    instanceId: instanceId(),
    startedAt: new Date(now),
    finishedAt: null,
  };
  const claimed = await db
    .insert(policyRuns)
    .values(values)
    .onConflictDoUpdate({
      target: [policyRuns.operatorId, policyRuns.agentId, policyRuns.dueAt],
      set: {
        status: "running",
        attemptId,
        instanceId: values.instanceId,
        startedAt: values.startedAt,
        finishedAt: null,
      },
      // Claimed again: a run skipped for want of a host (one is connected now), or refused long enough ago.
      setWhere: or(
        eq(policyRuns.status, "skipped_no_host"),
        and(eq(policyRuns.status, "refused"), lt(policyRuns.finishedAt, new Date(now - REFUSED_RETRY_AFTER_MS))),
      ),
    })
    .returning({ agentId: policyRuns.agentId });
  return claimed.length === 1;
}

/** One policy rotation job. Never throws for an expected outcome: pg-boss must not retry it. */
export async function runPolicyRotation(job: PolicyJob): Promise<PolicyRunStatus> {
  const now = Date.now();
  const { db } = await getStore();
  const armed = await armedOperator(db, job.operatorId);
  // Disarmed (the last policy cleared) or paused since the sweep: nothing is claimed, nothing called.
  if (!armed || armed.pausedAt !== null) return "not_run";
  // A fresh attempt each claim: a refused run claimed again later is a new attempt for the guard.
  const attemptId = randomUUID();
  if (!(await claimRun(db, job, attemptId, now))) return "not_run";

  const context: ChangeContext = { session: policySession(armed), batchId: job.batchId, bulk: "rotate" };
  const result = await runChange(
    context,
    policyRotationChange(context, {
      attemptId,
      subject: { kind: "agent", agentId: job.agentId },
      knownRotationAt: job.knownRotationAt,
      ownAttemptId: null,
    }),
  );
  // A key the faucet made but no host received (disconnected mid-run, or sealing failed) is lost: a person must rotate.
  const status: PolicyRunStatus = result.ok
    ? result.data.delivered
      ? "ok"
      : "key_missing"
    : result.code === "outcome_unknown" || result.code === "key_missing"
      ? result.code
      : "refused";
  if (!result.ok && result.code === "key_invalid") await pausePolicies(db, job.operatorId, now);

  try {
    await db.transaction(async (tx) => {
      await tx
        .update(policyRuns)
        .set({ status, finishedAt: new Date(Date.now()) })
        .where(
          and(
            eq(policyRuns.operatorId, job.operatorId),
            eq(policyRuns.agentId, job.agentId),
            eq(policyRuns.dueAt, new Date(job.dueAt)),
          ),
        );
      await recordAuditEventIn(tx, policyActor(job.operatorId), {
        action: "policy_run",
        target: `agent:${job.agentId}`,
        batchId: job.batchId,
        outcome: status === "ok" ? "ok" : status === "refused" ? "refused" : status,
        refusal: result.ok ? null : status === "refused" ? result.code : null,
        keyLabel: null,
      });
    });
  } catch (error) {
    // The run stays `running`: shown as needing a person, never retried.
    log.error("a policy rotation's outcome could not be recorded; it waits for a person", error, {
      operatorId: job.operatorId,
    });
  }
  return status;
}

/** For the tests and the bench: how many runs of an operator are in each state. */
export async function policyRunCounts(operatorId: number): Promise<Record<string, number>> {
  const { db } = await getStore();
  const rows = await db
    .select({ status: policyRuns.status, count: sql<number>`count(*)::int` })
    .from(policyRuns)
    .where(eq(policyRuns.operatorId, operatorId))
    .groupBy(policyRuns.status);
  return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
}
