import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { signInOverHttp } from "./support/console-page";
import { FaucetApi, seedOperator } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { expectKeyNowhere } from "./support/signed-in-operator";
import { FAUCET_API, SERVERS } from "./support/servers";

/**
 * Incident mode on console A (the stand-alone faucet counts calls per operator and injects
 * faults): select many agents, confirm once, watch the run, get one sheet of new keys.
 */
const CONSOLE = SERVERS.remoteA.url;
const ROTATE = "regenerate_agent_key";

/** A fresh operator with `count` agents "Fleet 0001"…, seeded in one write on the stand-alone faucet. */
async function operatorWithAgents(request: APIRequestContext, name: string, count: number) {
  const faucet = new FaucetApi(request, FAUCET_API);
  const names = Array.from({ length: count }, (_, index) => `Fleet ${String(index + 1).padStart(4, "0")}`);
  const { operatorKey, operatorId, agents } = await seedOperator(request, name, names);
  return { faucet, operatorKey, operatorId, agents, control: new OperatorFaucetControl(request, operatorId) };
}

function progressValue(page: Page): Promise<number> {
  return page
    .getByRole("progressbar")
    .getAttribute("aria-valuenow")
    .then((value) => Number(value ?? 0));
}

async function waitForProgress(page: Page, atLeast: number) {
  // Polled at least every 250 ms: a fault set on the way must land while the run is still going.
  await expect
    .poll(() => progressValue(page), { timeout: 60_000, intervals: [100, 250] })
    .toBeGreaterThanOrEqual(atLeast);
}

async function selectAllAndConfirm(page: Page, count: number) {
  await page.getByRole("checkbox", { name: `Select all ${count.toLocaleString("en")} matching` }).check();
  await expect(page.getByRole("toolbar", { name: "Bulk actions" })).toContainText(
    `${count.toLocaleString("en")} selected`,
  );
  await page.getByRole("button", { name: "Rotate selected keys" }).click();
  const confirm = page.getByRole("alertdialog", { name: `Rotate ${count} keys?` });
  await expect(confirm).toContainText(
    `${count} keys stop working at once, and ${count} withdrawal cooldowns of 30 minutes start`,
  );
  return confirm.getByRole("button", { name: `Rotate ${count} keys` });
}

/** Sets `faults` and waits until the faucet has received `times` more rotation calls: all of them faulted. */
async function setFaultsUntilUsed(control: OperatorFaucetControl, faults: { times: number } & Record<string, unknown>) {
  await control.setFaults(faults);
  const after = await control.calls(ROTATE);
  await expect.poll(() => control.calls(ROTATE), { timeout: 60_000 }).toBeGreaterThanOrEqual(after + faults.times);
}

/** The sheet's .env text, through its own "Copy as .env". */
async function copiedEnv(page: Page): Promise<Map<number, string>> {
  const sheet = page.getByRole("dialog", { name: "New API keys" });
  await sheet.getByRole("button", { name: "Copy as .env" }).click();
  await expect(sheet.getByRole("status")).toContainText("Copied");
  const text = await page.evaluate(() => navigator.clipboard.readText());
  const keys = new Map<number, string>();
  for (const line of text.trim().split("\n")) {
    const match = /^AGENT_(\d+)_API_KEY=(agent_[0-9a-f]{32})$/.exec(line);
    expect(match, `a .env line: ${line}`).not.toBeNull();
    keys.set(Number(match![1]), match![2]!);
  }
  return keys;
}

/**
 * The 1,000-agent run's logic (one call each, every key on the sheet works, "Rotate again") is proved in
 * process: in-process/incident-bulk.test.ts. Here, a fleet well past the 200 rows the DOM may hold: what
 * the browser shows of the same run.
 */
test("300 agents with faults in the middle: the run shown, the sheet copied and virtualised, unknown ones listed and rotated again, no key left behind", async ({
  page,
  context,
  request,
}) => {
  test.setTimeout(180_000);
  const FLEET = 300;
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { faucet, operatorKey, agents, control } = await operatorWithAgents(request, "Incident Operator", FLEET);
  await signInOverHttp(page, operatorKey, CONSOLE);
  const confirmButton = await selectAllAndConfirm(page, FLEET);
  await confirmButton.click();

  // Faults in the middle of the run, one kind after another (a fault set replaces the last). Each set
  // waits until the faucet has received as many calls as it has faults, so on any machine speed each
  // fault is used before the next set replaces it.
  await waitForProgress(page, 50);
  await setFaultsUntilUsed(control, { failWithStatus: 502, actions: [ROTATE], times: 5 });
  await waitForProgress(page, 100);
  await setFaultsUntilUsed(control, { dropReplyAfterCommit: true, actions: [ROTATE], times: 5 });
  await waitForProgress(page, 150);
  await control.setFaults({
    refuseWith: { error_code: "rate_limited", error: "Too many requests", retry_after: 1 },
    actions: [ROTATE],
    times: 3,
  });

  const sheet = page.getByRole("dialog", { name: "New API keys" });
  await expect(sheet).toBeVisible({ timeout: 120_000 });
  // The modal sheet hides the page behind it from assistive tech; the progress is still there.
  await expect(page.getByRole("progressbar", { includeHidden: true })).toHaveAttribute("aria-valuenow", `${FLEET}`);
  await expect(page.getByText(`Done ${FLEET - 10} · Refused 0 · Outcome unknown 10 · Remaining 0`)).toBeVisible();
  // One call per agent, plus the three rate-limited ones sent again after their wait.
  expect(await control.calls(ROTATE)).toBe(FLEET + 3);
  // The DOM never holds the whole batch: the table and the sheet are both virtualised.
  expect(await page.locator("tr[data-agent-id]").count()).toBeLessThanOrEqual(200);
  expect(await sheet.locator("tbody tr th").count()).toBeLessThanOrEqual(200);

  const env = await copiedEnv(page);
  expect(env.size).toBe(FLEET - 10);
  const sample = [...env.entries()].filter((_, index) => index % 29 === 0);
  for (const [agentId, key] of sample)
    expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: agentId });
  await sheet.getByRole("button", { name: "Done" }).click();

  const result = page.getByRole("region", { name: "Bulk run result" });
  await expect(result).toContainText(`${FLEET - 10} rotated, 10 with an unknown outcome`);
  const unknownIds = agents.filter((agent) => !env.has(agent.id));
  expect(unknownIds).toHaveLength(10);
  for (const agent of unknownIds) await expect(result).toContainText(`${agent.name} (#${agent.id})`);

  await result.getByRole("button", { name: "Rotate again" }).click();
  const again = page.getByRole("alertdialog", { name: "Rotate 10 keys again?" });
  await again.getByRole("button", { name: "Rotate 10 keys" }).click();
  await expect(sheet).toBeVisible();
  const retried = await copiedEnv(page);
  expect([...retried.keys()].sort((a, b) => a - b)).toEqual(unknownIds.map((agent) => agent.id).sort((a, b) => a - b));
  for (const [agentId, key] of retried)
    expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: agentId });
  expect(await control.calls(ROTATE)).toBe(FLEET + 3 + 10);
  await sheet.getByRole("button", { name: "Done" }).click();

  // The sheet's keys are gone with it: not in the DOM, storage, history or cookies.
  for (const key of [...sample.map(([, key]) => key), ...retried.values()].slice(0, 12))
    await expectKeyNowhere(page, context, key);
});

test("Cancel in the middle: no call after Cancel, and the finished ones are revealed", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { operatorKey, control } = await operatorWithAgents(request, "Cancelled Incident Operator", 40);
  await control.setFaults({ latencyMs: 150, actions: [ROTATE] });
  // Timed in the page itself: when each rotation call left, and when Cancel was pressed.
  await page.addInitScript(() => {
    const marks = { actions: [] as number[], cancel: null as number | null };
    (window as unknown as { __marks: typeof marks }).__marks = marks;
    const send = window.fetch.bind(window);
    window.fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      if (init?.method === "POST" && (headers.has("next-action") || String(input).includes("/api/bulk/")))
        marks.actions.push(performance.now());
      return send(input, init);
    };
    document.addEventListener(
      "click",
      (event) => {
        if ((event.target as Element | null)?.closest("button")?.textContent === "Cancel")
          marks.cancel = performance.now();
      },
      true,
    );
  });
  await signInOverHttp(page, operatorKey, CONSOLE);
  await (await selectAllAndConfirm(page, 40)).click();
  await waitForProgress(page, 8);
  await page.getByRole("button", { name: "Cancel" }).click();
  const sheet = page.getByRole("dialog", { name: "New API keys" });
  await expect(sheet).toBeVisible();
  await expect(page.getByText(/Remaining 0 · Cancelled \d+/)).toBeVisible();
  const marks = await page.evaluate(
    () => (window as unknown as { __marks: { actions: number[]; cancel: number | null } }).__marks,
  );
  expect(marks.cancel).not.toBeNull();
  expect(
    marks.actions.filter((at) => at > (marks.cancel ?? 0)),
    "action calls sent after Cancel",
  ).toEqual([]);
  const calls = await control.calls(ROTATE);
  expect(calls).toBeLessThan(40);
  expect((await copiedEnv(page)).size).toBe(calls);
  await control.clearFaults();
});

test("twenty clicks on the confirm button start one run, whose events the audit log finds by its batch", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { operatorKey, control } = await operatorWithAgents(request, "Storm Incident Operator", 6);
  await signInOverHttp(page, operatorKey, CONSOLE);
  const button = await selectAllAndConfirm(page, 6);
  await button.evaluate((element: HTMLElement) => {
    for (let click = 0; click < 20; click++) element.click();
  });
  await expect(page.getByRole("dialog", { name: "New API keys" })).toBeVisible();
  expect(await control.calls(ROTATE)).toBe(6);
  await copiedEnv(page);
  await page.getByRole("dialog", { name: "New API keys" }).getByRole("button", { name: "Done" }).click();

  await page.getByRole("link", { name: "Audit log of this run" }).click();
  await expect(page).toHaveURL(/\/audit\?batch=[0-9a-f-]{36}$/);
  const events = page.getByRole("region", { name: "Audit events" });
  await expect(events.getByRole("row").filter({ hasText: "Rotate agent key" })).toHaveCount(6);
});

test("Deactivate selected freezes exactly the ticked agents: their keys stop paying", async ({ page, request }) => {
  const { faucet, operatorKey, agents, control } = await operatorWithAgents(request, "Freeze Incident Operator", 8);
  await signInOverHttp(page, operatorKey, CONSOLE);
  const frozen = agents.slice(0, 3);
  for (const agent of frozen) await page.getByRole("checkbox", { name: `Select ${agent.name}` }).check();
  await expect(page.getByRole("toolbar", { name: "Bulk actions" })).toContainText("3 selected");
  await page.getByRole("button", { name: "Deactivate selected" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Deactivate 3 agents?" });
  await expect(confirm).toContainText("The keys of 3 agents stop paying at once; their balances stay.");
  await confirm.getByRole("button", { name: "Deactivate 3 agents" }).click();
  await expect(page.getByText("Done 3 · Refused 0 · Outcome unknown 0 · Remaining 0")).toBeVisible();
  expect(await control.calls("update_agent")).toBe(3);
  expect(await control.calls(ROTATE)).toBe(0);
  const listed = await faucet.ok({ action: "list_agents", api_key: operatorKey });
  const active = new Map(
    (listed.agents as { id: number; is_active: boolean }[]).map((agent) => [agent.id, agent.is_active]),
  );
  for (const agent of agents) expect(active.get(agent.id), agent.name).toBe(!frozen.includes(agent));
  await page.getByRole("button", { name: "Close progress" }).click();
  await expect(page.getByRole("region", { name: "Bulk run result" })).toContainText("3 deactivated");
});

test("closing the tab during a run triggers the beforeunload guard", async ({ page, request }) => {
  const { operatorKey, control } = await operatorWithAgents(request, "Unload Incident Operator", 12);
  await control.setFaults({ latencyMs: 500, actions: [ROTATE] });
  await signInOverHttp(page, operatorKey, CONSOLE);
  await (await selectAllAndConfirm(page, 12)).click();
  await waitForProgress(page, 1);
  const dialog = page.waitForEvent("dialog");
  await page.close({ runBeforeUnload: true });
  const shown = await dialog;
  expect(shown.type()).toBe("beforeunload");
  await shown.accept();
  await control.clearFaults();
});
