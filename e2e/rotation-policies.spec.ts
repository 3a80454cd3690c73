import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { expect, test } from "@playwright/test";
import PgBoss from "pg-boss";
import { agentKeyIn, enrol, makeEnrolmentLink, startWatch, stop, walletHome } from "./support/agent-host";
import { withDatabase } from "./support/audit-store";
import { signInOverHttp } from "./support/console-page";
import { FaucetApi, seedOperator } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { FAUCET_API, SERVERS } from "./support/servers";
import { captureReplies, expectKeyNowhere } from "./support/signed-in-operator";

/**
 * Rotation policies (issue 23) on consoles A and B, two instances on one PostgreSQL, each
 * running its embedded worker (pg-boss): a policy set in A's page makes a key due now; the
 * hosted agent's key is rotated once (the faucet's count, whichever instance ran it), the other
 * agent is only reminded, and nothing is sent again by the sweeps after it.
 */
const A = SERVERS.remoteA.url;
// The host test reads every reply through a route (captureReplies): none may still run when a test ends.
test.afterEach(async ({ page }) => page.unrouteAll({ behavior: "ignoreErrors" }));
const DAY_MS = 86_400_000;

/** The queue lib/policies/policy-worker.ts's cron sends to (that module is server-only). */
const SWEEP_QUEUE = "policy-sweep";
const ROTATION_QUEUE = "policy-rotation";

/**
 * Sends `count` sweeps one after another, each the job the cron sends each minute, fetched by
 * A's or B's worker, and waits until each has run and the rotation jobs it queued have finished:
 * the next minutes' sweeps, without waiting for the minutes.
 */
async function sweepsRun(count: number) {
  // Only sends jobs: no maintenance, no schedule, no migration (the consoles' workers own those).
  const boss = new PgBoss({
    connectionString: SERVERS.postgres.url,
    supervise: false,
    schedule: false,
    migrate: false,
  });
  await boss.start();
  try {
    for (let sweep = 0; sweep < count; sweep++) {
      let id: string | null = null;
      // The queue's "short" policy holds one waiting sweep: a cron sweep may be waiting now.
      await expect
        .poll(async () => (id = await boss.send(SWEEP_QUEUE, {}, { retryLimit: 0 })), { timeout: 30_000 })
        .not.toBeNull();
      await expect
        .poll(async () => (await boss.getJobById(SWEEP_QUEUE, id!))?.state, { timeout: 30_000, intervals: [250] })
        .toBe("completed");
      await expect
        .poll(
          () =>
            withDatabase(SERVERS.postgres.url, async (client) => {
              const { rows } = await client.query<{ waiting: number }>(
                `select count(*)::int as waiting from pgboss.job where name = $1 and state in ('created', 'retry', 'active')`,
                [ROTATION_QUEUE],
              );
              return rows[0]?.waiting;
            }),
          { timeout: 30_000, intervals: [250] },
        )
        .toBe(0);
    }
  } finally {
    await boss.stop({ graceful: false, close: true, wait: true });
  }
}

/** A rotation recorded `daysAgo` days ago (a `next start` server's clock cannot be moved; the key's time can). */
async function recordOldRotation(operatorId: number, agentId: number, daysAgo: number) {
  const at = new Date(Date.now() - daysAgo * DAY_MS);
  await withDatabase(SERVERS.postgres.url, (client) =>
    client.query(
      `insert into key_rotations (id, operator_id, target, session_label, instance_id, status, started_at, finished_at)
       values (gen_random_uuid(), $1, $2, 'e2e-old', 'e2e', 'committed', $3, $3)`,
      [operatorId, `agent:${agentId}`, at],
    ),
  );
}

/** The row an enrolled host leaves (the hosts helper's enrolment writes the same): public keys only. */
async function connectHost(operatorId: number, agentId: number) {
  const publicKey = randomBytes(32).toString("base64url");
  await withDatabase(SERVERS.postgres.url, (client) =>
    client.query(
      `insert into agent_hosts (id, operator_id, agent_id, name, sealing_public_key, signing_public_key, connected_at)
       values ($1, $2, $3, 'e2e-host', $4, $4, now())`,
      [randomBytes(16).toString("base64url"), operatorId, agentId, publicKey],
    ),
  );
}

test("a policy due now rotates the hosted agent's key exactly once across two consoles and reminds for the other", async ({
  page,
  request,
}) => {
  // pg-boss's cron sends a sweep each minute: a rotation may wait for it (up to a minute and a half).
  test.setTimeout(240_000);
  const seeded = await seedOperator(request, "Policy Operator", ["Hosted Policy Bot", "Bare Policy Bot"]);
  const [hosted, bare] = seeded.agents as [(typeof seeded.agents)[0], (typeof seeded.agents)[0]];
  for (const agent of [hosted, bare]) await recordOldRotation(seeded.operatorId, agent.id, 40);
  await connectHost(seeded.operatorId, hosted.id);
  const faucet = new OperatorFaucetControl(request, seeded.operatorId);

  await signInOverHttp(page, seeded.operatorKey, A);
  await page.getByRole("link", { name: "Rotation policies" }).click();
  await expect(page.getByRole("heading", { name: "Rotation policies" })).toBeVisible();
  await page.getByLabel("Rotate every N days").fill("30");
  await page.getByRole("button", { name: "Set policy" }).click();
  await expect(page.getByText("Saved: all agents rotate every 30 days.")).toBeVisible();
  await expect(page.getByText(/^Armed:/)).toBeVisible();
  // Saving sends a sweep at once: the hosted agent's key may already be rotated when the page shows
  // (in-process/policies.test.ts counts both overdue keys on the page; the reminder stays either way).
  await expect(page.getByRole("heading", { name: /^Keys past their policy \([12]\)$/ })).toBeVisible();
  await expect(page.getByRole("row", { name: /Bare Policy Bot.*Reminder only: no connected host/ })).toBeVisible();

  // The sweep A sends when the policy is saved (run on A or B) rotates the hosted agent: one faucet call.
  await expect.poll(() => faucet.calls("regenerate_agent_key"), { timeout: 150_000, intervals: [2_000] }).toBe(1);
  const policyRuns = () =>
    withDatabase(SERVERS.postgres.url, async (client) => {
      const { rows } = await client.query<{ target: string; outcome: string; session_label: string }>(
        `select target, outcome, session_label from audit_events where operator_id = $1 and action = 'policy_run'`,
        [seeded.operatorId],
      );
      return rows;
    });
  await expect
    .poll(policyRuns, { timeout: 30_000 })
    .toEqual([{ target: `agent:${hosted.id}`, outcome: "ok", session_label: "policy" }]);
  await page.reload();
  await expect(page.getByRole("heading", { name: "Keys past their policy (1)" })).toBeVisible();
  // The agents table's filter of the same name lists the same agent.
  await page.getByRole("link", { name: "Show them in the agents table" }).click();
  await expect(page.getByRole("combobox", { name: "Show" })).toHaveValue("past-policy");
  await expect(page.getByText("1 of 2 agents")).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: bare.name })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: hosted.name })).toHaveCount(0);

  // Two more sweeps (what the next two minutes' cron sends, run by A's or B's worker): nothing is sent
  // again, the bare agent is reminded once.
  await sweepsRun(2);
  expect(await faucet.calls("regenerate_agent_key")).toBe(1);
  const skipped = await withDatabase(SERVERS.postgres.url, async (client) => {
    const { rows } = await client.query<{ target: string }>(
      `select target from audit_events where operator_id = $1 and action = 'policy_skipped'`,
      [seeded.operatorId],
    );
    return rows.map((row) => row.target);
  });
  expect(skipped).toEqual([`agent:${bare.id}`]);
});

test("a policy rotation reaches a host enrolled with the real receive.mjs: credentials.json holds a key the faucet accepts, and no key reached a page", async ({
  page,
  context,
  request,
}) => {
  // Setting the policy sends a sweep at once: no wait for the minute's cron.
  test.setTimeout(60_000);
  const seeded = await seedOperator(request, "Policy Host Operator", ["Policy Host Bot"]);
  const agent = seeded.agents[0]!;
  await recordOldRotation(seeded.operatorId, agent.id, 3);
  const control = new OperatorFaucetControl(request, seeded.operatorId);
  const { bodies } = await captureReplies(page);
  const home = walletHome();
  let watcher: ReturnType<typeof startWatch> | null = null;
  try {
    await signInOverHttp(page, seeded.operatorKey, A);
    await enrol(await makeEnrolmentLink(page, agent.name), home);
    watcher = startWatch(home, ["--interval", "1"]);

    await page.getByRole("link", { name: "Rotation policies" }).click();
    await page.getByLabel("Rotate every N days").fill("1");
    await page.getByRole("button", { name: "Set policy" }).click();
    await expect(page.getByText("Saved: all agents rotate every day.")).toBeVisible();

    await expect.poll(() => agentKeyIn(home), { timeout: 30_000, intervals: [250] }).toMatch(/^agent_/);
    const key = agentKeyIn(home)!;
    const faucet = new FaucetApi(request, FAUCET_API);
    expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: agent.id });
    expect(await faucet.whoami(agent.key)).toMatchObject({ error_code: "invalid_key" });
    expect(await control.calls("regenerate_agent_key")).toBe(1);
    await expect.poll(() => watcher!.output()).toContain(`received a new key of ${agent.name}`);
    expect(watcher.output()).not.toContain(key);

    // The key is no longer past its policy; the host got it, and no page did.
    await page.reload();
    await expect(page.getByRole("heading", { name: "Keys past their policy (0)" })).toBeVisible();
    await expectKeyNowhere(page, context, key);
    await expect.poll(() => bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(body).not.toContain(key.slice(6));
  } finally {
    if (watcher) await stop(watcher.child);
    rmSync(home, { recursive: true, force: true });
  }
});
