import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { Client } from "pg";
import { openSessionOverHttp, readRevealedKey, signInOverHttp } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { actionIds, callAction, rotationArgs, sessionCookieFrom } from "./support/server-actions";
import { FAUCET_API, SERVERS } from "./support/servers";

/**
 * Sessions kept in the store (issue: "sessions that sign-out really ends, and one rotation
 * guard for every instance"), on consoles A and B: two instances sharing one PostgreSQL and
 * one stand-alone faucet whose calls are counted per operator.
 */
const A = SERVERS.remoteA.url;
const B = SERVERS.remoteB.url;
const ROTATE = "regenerate_agent_key";

async function freshOperator(request: APIRequestContext, name: string, agentNames = ["Alpha Bot", "Beta Bot"]) {
  const faucet = new FaucetApi(request, FAUCET_API);
  const operator = await faucet.newOperator(name, agentNames);
  return { faucet, control: new OperatorFaucetControl(request, operator.operatorId), ...operator };
}

async function signedInPage(browser: Browser, operatorKey: string, url = A): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInOverHttp(page, operatorKey, url);
  return page;
}

async function openConfirmation(page: Page, agentName: string) {
  await page.getByRole("button", { name: `Rotate key for ${agentName}` }).click();
  return page.getByRole("alertdialog", { name: `Rotate key for ${agentName}?` });
}

// Issue 19, finding 3: the second half used to assert that the pre-rotation cookie still opened the
// session (200 on /agents and /api/agents), because the rotating session kept its id and key.
// Now an operator-key rotation makes a new session, and a copy of the old cookie opens nothing.
test("a cookie copied before Sign out, or before an operator-key rotation, opens nothing afterwards (sign-in page with the reason), rotates nothing and never clears or overwrites the new session", async ({
  browser,
  request,
}) => {
  const { operatorKey, faucet, agents, control } = await freshOperator(request, "Copied Cookie Operator");
  const ids = actionIds();
  const page = await signedInPage(browser, operatorKey);
  // One thief context for both copies: its cookie jar is emptied between them.
  const thief = await browser.newContext();
  const thiefPage = await thief.newPage();
  try {
    await test.step("a cookie copied before Sign out", async () => {
      const copied = await page.context().cookies(A);
      await page.getByRole("button", { name: "Sign out", exact: true }).click();
      await expect(page.getByLabel("Operator API key")).toBeVisible();

      await thief.addCookies(copied);
      await thiefPage.goto(`${A}/agents`);
      await expect(thiefPage).toHaveURL(`${A}/?reason=signed_out`);
      await expect(thiefPage.getByRole("button", { name: "Rotate operator key" })).toHaveCount(0);

      const cookie = copied.map((entry) => `${entry.name}=${entry.value}`).join("; ");
      const reply = await callAction(
        request,
        A,
        ids.rotateAgentKey!,
        JSON.stringify([rotationArgs({ agentId: agents[0]!.id })]),
        { cookie },
      );
      expect(reply.result).toMatchObject({ ok: false, code: "signed_out" });
      expect(await control.calls(ROTATE)).toBe(0);
      expect(await control.calls("regenerate_operator_key")).toBe(0);
    });

    await test.step("a cookie copied before an operator-key rotation", async () => {
      // Signed in again in the same browser (no page needs to open), whose cookie is copied as a thief would copy it.
      await openSessionOverHttp(page, operatorKey, A);
      const copied = await page.context().cookies(A);
      const before = copied.map((entry) => `${entry.name}=${entry.value}`).join("; ");
      const rotation = await callAction(request, A, ids.rotateOperatorKey!, JSON.stringify([rotationArgs({})]), {
        cookie: before,
      });
      const newKey = (rotation.result as { data: { apiKey: string } }).data.apiKey;
      const after = sessionCookieFrom(rotation.setCookie)!;
      expect(after).not.toBe(before);

      const api = await request.get(`${A}/api/agents`, { headers: { cookie: before }, maxRedirects: 0 });
      expect(api.status()).toBe(401);
      expect(await api.json()).toMatchObject({ reason: "operator_key_rotated" });
      const agentsPage = await request.get(`${A}/agents`, { headers: { cookie: before }, maxRedirects: 0 });
      // The page streams (it has a loading state), so its redirect to the sign-in page travels in the body.
      expect([200, 307]).toContain(agentsPage.status());
      expect(agentsPage.status() === 307 ? agentsPage.headers()["location"] : await agentsPage.text()).toContain(
        "/?reason=operator_key_rotated",
      );
      for (const response of [api, agentsPage])
        expect(response.headers()["set-cookie"], `${response.url()} must not touch the cookie`).toBeUndefined();
      const stolen = await callAction(
        request,
        A,
        ids.rotateAgentKey!,
        JSON.stringify([rotationArgs({ agentId: agents[0]!.id })]),
        { cookie: before },
      );
      expect(stolen.result).toMatchObject({ ok: false, code: "signed_out", reason: "operator_key_rotated" });
      expect(await control.calls(ROTATE)).toBe(0);

      // In a browser, the copy lands on the sign-in page, which says why.
      await thief.clearCookies();
      await thief.addCookies(copied);
      await thiefPage.goto(`${A}/agents`);
      await expect(thiefPage).toHaveURL(`${A}/?reason=operator_key_rotated`);
      await expect(thiefPage.getByRole("status")).toHaveText(/the operator key was rotated in another session/);

      // The new session still works, on the new key.
      const list = await request.get(`${A}/api/agents`, { headers: { cookie: after } });
      expect(list.status()).toBe(200);
      expect(await faucet.whoami(newKey)).toMatchObject({ success: true, type: "operator" });
    });
  } finally {
    await Promise.all([page.context().close(), thief.close()]);
  }
});

test("sessions on A and B: both confirming one agent at once make 1 faucet call; an operator-key rotation signs the other out with the reason (the rotating one stays on the new key); Sign out everywhere ends the other on its next request; a canary finds no key in any table", async ({
  browser,
  request,
}) => {
  // The work of four former tests of 45 s each, on two instances: the budget of two.
  test.setTimeout(90_000);
  const { operatorKey, agents, control, faucet, operatorId } = await freshOperator(request, "Two Sessions Operator");
  const agent = agents[0]!;
  const [rotating, other] = [await signedInPage(browser, operatorKey, A), await signedInPage(browser, operatorKey, B)];
  const pages = [rotating, other];
  try {
    // Two instances on one PostgreSQL.
    const agentKey = await test.step("two sessions confirming the same agent at once make 1 faucet call", async () => {
      const buttons = await Promise.all(
        pages.map(async (page) =>
          (await openConfirmation(page, agent.name)).getByRole("button", { name: "Rotate key" }),
        ),
      );
      await Promise.all(buttons.map((button) => button.click()));

      const outcomes = await Promise.all(
        pages.map(async (page) => {
          const reveal = page.getByRole("dialog", { name: `New API key for ${agent.name}` });
          const elsewhere = page.getByRole("alertdialog").getByRole("alert");
          await expect(reveal.or(elsewhere)).toBeVisible();
          return reveal.isVisible();
        }),
      );
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      const loser = pages[outcomes.indexOf(false)]!;
      const winner = pages[outcomes.indexOf(true)]!;
      await expect(loser.getByRole("alertdialog").getByRole("alert")).toHaveText(/^This key was rotated moments ago/);
      await expect(loser.getByRole("alertdialog").getByRole("button", { name: "Rotate anyway" })).toBeVisible();
      expect(await control.calls(ROTATE)).toBe(1);
      // The winner's key is the canary's agent key below; both dialogs close for what follows.
      const key = await readRevealedKey(winner);
      await winner.getByRole("dialog").getByRole("button", { name: "Done" }).click();
      await loser.getByRole("alertdialog").getByRole("button", { name: "Close" }).click();
      await expect(loser.getByRole("alertdialog")).toHaveCount(0);
      return key;
    });

    const newKey = await test.step("an operator-key rotation signs the other session out with the reason", async () => {
      await rotating.getByRole("button", { name: "Rotate operator key" }).click();
      await rotating.getByRole("alertdialog").getByRole("button", { name: "Rotate key" }).click();
      await expect(rotating.getByRole("dialog", { name: "New operator API key" })).toBeVisible();
      const key = await readRevealedKey(rotating);
      await rotating.getByRole("dialog").getByRole("button", { name: "Done" }).click();
      expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "operator", id: operatorId });

      await other.reload();
      await expect(other).toHaveURL(`${B}/?reason=operator_key_rotated`);
      await expect(other.getByRole("status")).toHaveText(/the operator key was rotated in another session/);

      await rotating.reload();
      await expect(rotating).toHaveURL(`${A}/agents`);
      await expect(rotating.getByText(`Key lf_…${key.slice(-4)}`)).toBeVisible();
      return key;
    });

    await test.step("a canary dumps every table after sign-ins and rotations and finds no operator or agent key", async () => {
      await signInOverHttp(other, newKey, B);
      const client = new Client({ connectionString: SERVERS.postgres.url });
      await client.connect();
      try {
        const { rows: tables } = await client.query<{ schema: string; name: string }>(
          "select table_schema as schema, table_name as name from information_schema.tables where table_schema in ('public', 'drizzle')",
        );
        expect(tables.map((table) => table.name)).toEqual(
          expect.arrayContaining(["sessions", "key_rotations", "rate_limits"]),
        );
        const dump: string[] = [];
        for (const { schema, name } of tables)
          dump.push(JSON.stringify((await client.query(`select * from "${schema}"."${name}"`)).rows));
        const everything = dump.join("\n");
        for (const key of [operatorKey, agent.key, agentKey, newKey]) {
          expect(everything.includes(key.replace(/^(lf|agent)_/, "")), "a key (or its hex part) in the store").toBe(
            false,
          );
        }
      } finally {
        await client.end();
      }
    });

    await test.step("Sign out everywhere ends the operator's other sessions on their next request", async () => {
      await rotating.getByRole("button", { name: "Sign out everywhere" }).click();
      await expect(rotating).toHaveURL(`${A}/?reason=signed_out_everywhere`);

      await other.reload();
      await expect(other).toHaveURL(`${B}/?reason=signed_out_everywhere`);
      await expect(other.getByRole("status")).toContainText("“Sign out everywhere” was pressed");
    });
  } finally {
    await Promise.all(pages.map((page) => page.context().close()));
  }
});

test("a lost reply: 'Outcome unknown', then 'Rotate again' reveals a key the faucet accepts, in exactly 2 calls; then two tabs rotating two other agents at once both keep their timers after a reload", async ({
  browser,
  request,
}) => {
  const { operatorKey, agents, control, faucet } = await freshOperator(request, "Lost Reply Operator", [
    "Alpha Bot",
    "Beta Bot",
    "Gamma Bot",
  ]);
  // The real faucet's list_agents has no cooldown_until: only the console's own records know.
  await control.setFaults({ omitCooldowns: true, actions: ["list_agents", "whoami"] });
  const first = await signedInPage(browser, operatorKey);
  try {
    await test.step("a lost reply, then 'Rotate again'", async () => {
      const agent = agents[2]!;
      let dropped = 0;
      await first.route(`${A}/agents`, async (route) => {
        if (route.request().method() !== "POST" || !route.request().headers()["next-action"] || dropped > 0)
          return route.fallback();
        dropped++;
        await route.fetch(); // The console gets the faucet's answer…
        await route.abort("connectionreset"); // …and the browser never does.
      });
      const confirm = await openConfirmation(first, agent.name);
      await confirm.getByRole("button", { name: "Rotate key" }).click();
      await expect(confirm.getByRole("alert")).toHaveText(/^Outcome unknown/);
      await confirm.getByRole("button", { name: "Rotate again" }).click();
      const reveal = first.getByRole("dialog", { name: `New API key for ${agent.name}` });
      await expect(reveal).toBeVisible();
      const key = await readRevealedKey(first);
      expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: agent.id });
      expect(await control.calls(ROTATE)).toBe(2);
      await reveal.getByRole("button", { name: "Done" }).click();
      await first.unroute(`${A}/agents`);
    });

    await test.step("two tabs rotating two different agents at once both keep their timers after a reload", async () => {
      const second = await first.context().newPage();
      await second.goto(`${A}/agents`);
      const tabs = [
        { page: first, agent: agents[0]! },
        { page: second, agent: agents[1]! },
      ];
      const buttons = await Promise.all(
        tabs.map(async ({ page, agent }) =>
          (await openConfirmation(page, agent.name)).getByRole("button", { name: "Rotate key" }),
        ),
      );
      await Promise.all(buttons.map((button) => button.click()));
      for (const { page, agent } of tabs) {
        const reveal = page.getByRole("dialog", { name: `New API key for ${agent.name}` });
        await readRevealedKey(page);
        await reveal.getByRole("button", { name: "Done" }).click();
      }
      await first.reload();
      for (const { agent } of tabs) {
        await expect(first.getByRole("row", { name: new RegExp(agent.name) }).getByRole("timer")).toHaveText(
          /Withdrawals locked (29|30):\d\d/,
        );
      }
    });
  } finally {
    await first.context().close();
    await control.clearFaults();
  }
});
