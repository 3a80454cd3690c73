import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { dataRoot } from "./support/test-servers";
import { auditEventsWhere, runAuditVerify, withDatabase, type AuditEventRow } from "./support/audit-store";
import { openSessionOverHttp, readRevealedKey, signInOverHttp } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { actionIds, callAction, callSignIn, rotationArgs, sessionCookieFrom } from "./support/server-actions";
import { FAUCET_API, SERVERS, SHARED_SECRETS } from "./support/servers";
import { startConsole } from "./support/spawned-console";

/**
 * The audit log on consoles A and B (one PostgreSQL, the stand-alone faucet with fault
 * injection): each action leaves its events with the right outcome, two instances writing at
 * once keep every chain verifiable (the one run of `npm run audit:verify`), and no key reaches
 * any table or the CSV. What audit:verify names in an edited or deleted row needs no console:
 * lib/audit/record-audit-event.test.ts runs its script on such a store.
 */
const A = SERVERS.remoteA.url;
const B = SERVERS.remoteB.url;
const ROTATE = "regenerate_agent_key";

async function freshOperator(request: APIRequestContext, name: string, agentNames = ["Audit Bot", "Second Bot"]) {
  const faucet = new FaucetApi(request, FAUCET_API);
  const operator = await faucet.newOperator(name, agentNames);
  return { faucet, control: new OperatorFaucetControl(request, operator.operatorId), ...operator };
}

/** A browser whose user agent names this test, so even events with no operator can be found. */
async function taggedPage(browser: Browser) {
  const userAgent = `audit-e2e/${randomUUID()}`;
  const context = await browser.newContext({ userAgent });
  return { page: await context.newPage(), userAgent };
}

/** The form of the sign-in page already open (no page load of its own). */
async function signInThroughForm(page: Page, key: string) {
  await page.getByLabel("Operator API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function confirmRotation(page: Page, agentName: string) {
  await page.getByRole("button", { name: `Rotate key for ${agentName}` }).click();
  const confirm = page.getByRole("alertdialog", { name: `Rotate key for ${agentName}?` });
  await confirm.getByRole("button", { name: "Rotate key" }).click();
  return confirm;
}

async function closeReveal(page: Page) {
  await page.getByRole("dialog").getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
}

const label = (key: string) => `${/^[A-Za-z]+_/.exec(key)?.[0] ?? ""}…${key.slice(-4)}`;
const eventsOf = (operatorId: number) => auditEventsWhere("e.operator_id = $1", [operatorId]);
const summary = (rows: AuditEventRow[]) =>
  rows.map((row) => [row.action, row.target, row.outcome, row.refusal, row.key_label]);

test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

test("every action leaves its events: sign-ins accepted and refused, rotations ok, refused, unknown after commit, key missing, a lost reply, sign-outs; then a key canary finds no key in any column of any table, nor in the CSV", async ({
  browser,
  request,
}) => {
  const { operatorKey, operatorId, agents, control } = await freshOperator(request, "Audited Operator");
  const [agent, second] = [agents[0]!, agents[1]!];
  const { page, userAgent } = await taggedPage(browser);
  try {
    // A key the faucet does not know: refused, in the anonymous chain, and the key itself nowhere.
    const wrongKey = `lf_${randomUUID().replaceAll("-", "")}`;
    await page.goto(`${A}/`);
    await signInThroughForm(page, wrongKey);
    await expect(page.getByText("The faucet does not know this key")).toBeVisible();
    await signInThroughForm(page, operatorKey);
    await expect(page).toHaveURL(`${A}/agents`);

    // ok
    await confirmRotation(page, agent.name);
    const firstKey = await readRevealedKey(page);
    await closeReveal(page);
    // refused by the faucet, with its kind
    await control.setFaults({
      refuseWith: { error_code: "rate_limited", error: "Too many requests", retry_after: 30 },
      actions: [ROTATE],
      times: 1,
    });
    let confirm = await confirmRotation(page, second.name);
    await expect(confirm.getByRole("alert")).toHaveText("The faucet is limiting requests. Try again in 30 s.");
    await confirm.getByRole("button", { name: "Cancel" }).click();
    // the faucet committed, then the reply was lost: outcome unknown
    await control.setFaults({ dropReplyAfterCommit: true, actions: [ROTATE], times: 1 });
    confirm = await confirmRotation(page, second.name);
    await expect(confirm.getByRole("alert")).toHaveText(/^Outcome unknown/);
    // ok without a key: key_missing
    await control.setFaults({ omitKey: true, actions: [ROTATE], times: 1 });
    await confirm.getByRole("button", { name: "Rotate again" }).click();
    await expect(confirm.getByRole("alert")).toHaveText(/sent no new key/);
    await confirm.getByRole("button", { name: "Rotate again" }).click();
    const secondKey = await readRevealedKey(page);
    await closeReveal(page);
    // The browser's reply is lost: the console heard the faucet, so the log says ok; "Rotate again" is a second ok.
    let dropped = 0;
    await page.route(`${A}/agents`, async (route) => {
      if (route.request().method() !== "POST" || !route.request().headers()["next-action"] || dropped > 0)
        return route.fallback();
      dropped++;
      await route.fetch();
      await route.abort("connectionreset");
    });
    confirm = await confirmRotation(page, agent.name);
    await expect(confirm.getByRole("alert")).toHaveText(/^Outcome unknown/);
    await confirm.getByRole("button", { name: "Rotate again" }).click();
    const thirdKey = await readRevealedKey(page);
    await closeReveal(page);
    await page.unroute(`${A}/agents`);

    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page.getByLabel("Operator API key")).toBeVisible();
    await signInThroughForm(page, operatorKey);
    await page.getByRole("button", { name: "Sign out everywhere" }).click();
    await expect(page).toHaveURL(`${A}/?reason=signed_out_everywhere`);

    const events = await eventsOf(operatorId);
    const lostKey = events.filter((row) => row.target === `agent:${agent.id}` && row.outcome === "ok")[1]?.key_label;
    expect(summary(events)).toEqual([
      ["sign_in", "operator", "ok", null, label(operatorKey)],
      ["rotate_agent_key", `agent:${agent.id}`, "ok", null, label(firstKey)],
      ["rotate_agent_key", `agent:${second.id}`, "refused", "rate_limited", null],
      ["rotate_agent_key", `agent:${second.id}`, "outcome_unknown", null, null],
      ["rotate_agent_key", `agent:${second.id}`, "key_missing", null, null],
      ["rotate_agent_key", `agent:${second.id}`, "ok", null, label(secondKey)],
      ["rotate_agent_key", `agent:${agent.id}`, "ok", null, lostKey],
      ["rotate_agent_key", `agent:${agent.id}`, "ok", null, label(thirdKey)],
      ["sign_out", "operator", "ok", null, null],
      ["sign_in", "operator", "ok", null, label(operatorKey)],
      ["sign_out_everywhere", "operator", "ok", null, null],
    ]);
    expect(lostKey).toMatch(/^agent_…[0-9a-f]{4}$/);
    expect(lostKey).not.toBe(label(thirdKey));
    for (const row of events) {
      expect(row).toMatchObject({
        chain: `operator:${operatorId}`,
        user_agent: userAgent,
        client_address: expect.any(String),
        instance_id: expect.any(String),
        session_label: expect.stringMatching(/^[0-9a-f]{8}$/),
      });
      // Every pending row was completed: none is left "pending".
      expect(row.outcome).not.toBe("pending");
    }
    const refused = await auditEventsWhere("e.user_agent = $1 and e.operator_id is null", [userAgent]);
    expect(summary(refused)).toEqual([["sign_in", "operator", "refused", "invalid_key", null]]);
    expect(refused[0]?.chain).toBe("anonymous");

    await test.step("a key canary finds no key in any column of any table, nor in the CSV", async () => {
      // Signed in again from the sign-in page "Sign out everywhere" left open, to rotate the operator key too.
      await signInThroughForm(page, operatorKey);
      await expect(page).toHaveURL(`${A}/agents`);
      await page.getByRole("button", { name: "Rotate operator key" }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Rotate key" }).click();
      const newOperatorKey = await readRevealedKey(page);
      await closeReveal(page);

      const csv = await (await page.request.get(`${A}/audit/export`)).text();
      expect(csv).toContain(label(newOperatorKey));
      const dump = await withDatabase(SERVERS.postgres.url, async (client) => {
        const { rows: tables } = await client.query<{ schema: string; name: string }>(
          "select table_schema as schema, table_name as name from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')",
        );
        expect(tables.map((table) => table.name)).toEqual(
          expect.arrayContaining(["audit_events", "audit_chains", "sessions", "key_rotations"]),
        );
        const parts: string[] = [];
        for (const { schema, name } of tables)
          parts.push(JSON.stringify((await client.query(`select * from "${schema}"."${name}"`)).rows));
        return parts.join("\n");
      });
      const keys = [operatorKey, agent.key, second.key, firstKey, secondKey, thirdKey, newOperatorKey, wrongKey];
      for (const key of keys) {
        const secret = key.replace(/^(lf|agent)_/, "");
        expect(dump.includes(secret), "a key (or its hex part) in the store").toBe(false);
        expect(csv.includes(secret), "a key (or its hex part) in the CSV").toBe(false);
      }
    });
  } finally {
    await control.clearFaults();
    await page.context().close();
  }
});

test("/audit lists the events newest first with filters kept in the URL; key history marks the current key; the CSV holds the same events", async ({
  browser,
  request,
}) => {
  const { operatorKey, agents } = await freshOperator(request, "Audit Page Operator");
  const agent = agents[0]!;
  const { page } = await taggedPage(browser);
  try {
    await signInOverHttp(page, operatorKey, A);
    await confirmRotation(page, agent.name);
    await readRevealedKey(page);
    await closeReveal(page);
    await confirmRotation(page, agent.name);
    const currentKey = await readRevealedKey(page);
    await closeReveal(page);

    await page.getByRole("link", { name: "Audit log" }).click();
    await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
    const rows = page.getByRole("table", { name: "Audit events, newest first" }).locator("tbody tr[data-event-id]");
    await expect(rows).toHaveCount(3);
    await expect(rows.first()).toContainText("rotate agent key");
    await expect(rows.first()).toContainText(label(currentKey));
    await expect(rows.last()).toContainText("sign in");

    await page.getByLabel("Action").selectOption("sign_in");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await expect(page).toHaveURL(`${A}/audit?action=sign_in`);
    await expect(rows).toHaveCount(1);
    await page.reload();
    await expect(page.getByLabel("Action")).toHaveValue("sign_in");
    await expect(rows).toHaveCount(1);

    const csv = await page.request.get(`${A}/audit/export?agent=${agent.id}`);
    expect(csv.headers()["content-type"]).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(label(currentKey));

    // Back by the page's own link: a client-side navigation, not a page load.
    await page.getByRole("link", { name: "Back to agents" }).click();
    await page.getByRole("link", { name: `Key history for ${agent.name}` }).click();
    await expect(page.getByRole("heading", { name: `Key history for ${agent.name}` })).toBeVisible();
    const current = page.locator("tr[aria-current=true]");
    await expect(current).toHaveCount(1);
    await expect(current).toContainText(label(currentKey));
    await expect(current).toContainText("current key");
    await expect(page.locator("tbody tr")).toHaveCount(2);
  } finally {
    await page.context().close();
  }
});

test("a console killed while the faucet is still thinking leaves a pending event, never completed, that later reads 'unknown'", async ({
  browser,
  request,
}) => {
  test.setTimeout(180_000);
  // The console's own limits refusing before the faucet is called: in-process/audit-limits.test.ts.
  const killed = await freshOperator(request, "Killed Operator", ["Killed Bot"]);
  const ids = actionIds();
  // Signed in on A; the cookie works on the extra console too (same store, same secret).
  const killedCookie = sessionCookieFrom((await callSignIn(request, A, ids.signIn!, killed.operatorKey)).setCookie)!;
  const extra = await startConsole({
    dataDir: `${dataRoot}/audit-extra`,
    env: {
      FAUCET_API_URL: FAUCET_API,
      FAUCET_TIMEOUT_MS: "60000",
      DATABASE_URL: SERVERS.postgres.url,
      ...SHARED_SECRETS,
    },
  });
  try {
    const agent = killed.agents[0]!;
    const target = `agent:${agent.id}`;
    await killed.control.setFaults({ latencyMs: 30_000, actions: [ROTATE], times: 1 });
    const call = callAction(
      request,
      extra.url,
      ids.rotateAgentKey!,
      JSON.stringify([rotationArgs({ agentId: agent.id })]),
      { cookie: killedCookie },
    ).catch(() => null);
    await expect
      .poll(async () =>
        (await auditEventsWhere("e.operator_id = $1 and e.target = $2", [killed.operatorId, target])).map(
          (row) => row.outcome,
        ),
      )
      .toEqual(["pending"]);
    await extra.kill();
    await call;
    const [left] = await auditEventsWhere("e.operator_id = $1 and e.target = $2", [killed.operatorId, target]);
    expect(left).toMatchObject({ outcome: "pending", completed: false });

    // On A (faucet timeout 3 s), the entry reads "pending" while a call could still be running, then "unknown".
    const { page } = await taggedPage(browser);
    try {
      await openSessionOverHttp(page, killed.operatorKey, A);
      const query = `agent=${agent.id}&outcome=unknown`;
      // Polled on the route the list pages through (the same query), then one page load, not one a second.
      await expect
        .poll(
          async () => {
            const reply = (await (await page.request.get(`${A}/audit/events?${query}`)).json()) as {
              entries?: { id: string; outcome: string }[];
            };
            return reply.entries?.find((entry) => entry.id === left!.id)?.outcome;
          },
          { timeout: 30_000 },
        )
        .toBe("unknown");
      await page.goto(`${A}/audit?${query}`);
      await expect(page.locator(`tr[data-event-id="${left!.id}"]`)).toContainText("unknown");
    } finally {
      await page.context().close();
    }
  } finally {
    await killed.control.clearFaults();
    await extra.kill();
  }
});

test("two instances write one operator's events at once and audit:verify stays clean", async ({ request }) => {
  const { operatorKey, operatorId, agents } = await freshOperator(request, "Concurrent Audit Operator", [
    "C1",
    "C2",
    "C3",
    "C4",
  ]);
  const ids = actionIds();
  const cookies = await Promise.all(
    [A, B].map(async (url) => sessionCookieFrom((await callSignIn(request, url, ids.signIn!, operatorKey)).setCookie)!),
  );
  const calls = Array.from({ length: 24 }, (_, i) => {
    const url = i % 2 ? A : B;
    const agent = agents[i % agents.length]!;
    return callAction(request, url, ids.rotateAgentKey!, JSON.stringify([rotationArgs({ agentId: agent.id })]), {
      cookie: cookies[i % 2]!,
    });
  });
  const replies = await Promise.all(calls);
  expect(replies.every((reply) => reply.status === 200)).toBe(true);

  const events = await eventsOf(operatorId);
  // 2 sign-ins + 24 rotation attempts (some refused as rotated elsewhere), each one logical event.
  expect(events).toHaveLength(26);
  expect(new Set(events.map((row) => row.instance_id)).size).toBe(2);
  const positions = await withDatabase(SERVERS.postgres.url, async (client) =>
    (
      await client.query<{ position: number }>(
        "select position::int as position from audit_events where chain = $1 order by position",
        [`operator:${operatorId}`],
      )
    ).rows.map((row) => row.position),
  );
  expect(positions).toEqual(Array.from({ length: positions.length }, (_, i) => i + 1));

  // Each console appends its own signed checkpoints (the first ten seconds after it starts): verify takes both files.
  const checkpointFiles = [SERVERS.remoteA, SERVERS.remoteB].map(
    (server) => `${dataRoot}/remote-${server.port}/audit-checkpoints.jsonl`,
  );
  await expect.poll(() => checkpointFiles.every((file) => existsSync(file)), { timeout: 20_000 }).toBe(true);
  // As an operator runs it: `npm run audit:verify`.
  const verify = await runAuditVerify(SERVERS.postgres.url, checkpointFiles);
  expect(verify.stderr).toBe("");
  expect(verify.code).toBe(0);
  expect(verify.stdout).toMatch(/^audit:verify: ok, \d+ chains?, \d+ rows?, [1-9]\d* checkpoints?/);
});
