import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { readRevealedKey, rotateAgent, signInOverHttp } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { agentRow, openRowAction } from "./support/lifecycle-page";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { FAUCET_API, SERVERS } from "./support/servers";

/**
 * Each lifecycle step end to end on console A, checked against the faucet itself (not the
 * page): the key it reveals pays, a deactivated agent cannot, a budget shows in
 * get_budget_status, a sweep leaves 0 sats, a deleted agent is gone. One faucet call each.
 * Steps that need the same start (a fresh operator's agent, signed in) run in turn on one page,
 * each leaving the agent as the next one expects it.
 */
const CONSOLE = SERVERS.remoteA.url;
const AGENT = "Life Bot";

type Operator = Awaited<ReturnType<FaucetApi["newOperator"]>>;

/**
 * A fresh operator with one agent, signed in on A. `beforeSignIn` changes the faucet's state
 * before the agents page first loads, so no reload is needed to show it.
 */
async function signedIn(
  page: Page,
  request: APIRequestContext,
  name: string,
  beforeSignIn?: (faucet: FaucetApi, operator: Operator) => Promise<unknown>,
) {
  const faucet = new FaucetApi(request, FAUCET_API);
  const operator = await faucet.newOperator(name, [AGENT]);
  const agent = operator.agents[0]!;
  await beforeSignIn?.(faucet, operator);
  await signInOverHttp(page, operator.operatorKey, CONSOLE);
  return { faucet, operator, agent, control: new OperatorFaucetControl(request, operator.operatorId) };
}

async function agentOf(faucet: FaucetApi, operatorKey: string, agentId: number) {
  const list = await faucet.ok({ action: "list_agents", api_key: operatorKey });
  return (list.agents as { id: number; balance_sats: number; is_active: boolean }[]).find((row) => row.id === agentId);
}

test("Deactivate stops the agent's payments and Reactivate lets it pay again; Edit budget shows in get_budget_status, empty means unlimited, and falls back to update_agent when the faucet does not know set_budget", async ({
  page,
  request,
}) => {
  const { faucet, operator, agent, control } = await signedIn(page, request, "Kill Switch Operator");

  await test.step("Deactivate stops the agent's payments at once; Reactivate lets it pay again", async () => {
    await faucet.ok({ action: "fund_agent", api_key: operator.operatorKey, agent_id: agent.id, amount_sats: 1000 });

    const confirm = await openRowAction(page, AGENT, "Deactivate");
    await expect(confirm).toContainText("Its key stops paying at once; its balance stays.");
    await confirm.getByRole("button", { name: "Deactivate" }).click();
    await expect(confirm.getByRole("status")).toHaveText(`${AGENT} is deactivated: its key no longer pays.`);
    await expect(agentRow(page, agent.id).getByText("Inactive")).toBeVisible();
    expect(await control.calls("update_agent")).toBe(1);

    const refused = await faucet.call({ action: "pay_invoice", api_key: agent.key, invoice: "lnbc1u1test" });
    expect(refused).toMatchObject({ success: false });
    expect(String(refused.error)).toMatch(/deactivated/);
    expect((await agentOf(faucet, operator.operatorKey, agent.id))?.balance_sats).toBe(1000);

    await confirm.getByRole("button", { name: "Close" }).click();
    const again = await openRowAction(page, AGENT, "Reactivate");
    await again.getByRole("button", { name: "Reactivate" }).click();
    await expect(agentRow(page, agent.id).getByText("Active", { exact: true })).toBeVisible();
    expect(await faucet.call({ action: "pay_invoice", api_key: agent.key, invoice: "lnbc1u1test" })).toMatchObject({
      success: true,
    });
    expect(await control.calls("update_agent")).toBe(2);
    await again.getByRole("button", { name: "Close" }).click();
    await expect(again).toBeHidden();
  });

  await test.step("Edit budget shows in get_budget_status, and empty means unlimited", async () => {
    let dialog = await openRowAction(page, AGENT, "Edit budget");
    await expect(dialog).toContainText("Now: unlimited.");
    await dialog.getByLabel("Budget (sats)").fill("-1");
    await dialog.getByRole("button", { name: "Save budget" }).click();
    await expect(dialog.getByText("The budget cannot be negative.")).toBeVisible();
    expect(await control.calls("set_budget")).toBe(0);
    await dialog.getByLabel("Budget (sats)").fill("1234");
    await dialog.getByRole("button", { name: "Save budget" }).click();
    await expect(dialog.getByRole("status")).toHaveText(`${AGENT}'s budget is 1,234 sats now.`);
    expect(await faucet.ok({ action: "get_budget_status", api_key: agent.key })).toMatchObject({
      budget_limit_sats: 1234,
    });

    await dialog.getByRole("button", { name: "Close" }).click();
    dialog = await openRowAction(page, AGENT, "Edit budget");
    await expect(dialog).toContainText("Now: 1,234 sats.");
    await dialog.getByRole("button", { name: "Save budget" }).click();
    await expect(dialog.getByRole("status")).toHaveText(`${AGENT} has no budget limit now.`);
    expect(await faucet.ok({ action: "get_budget_status", api_key: agent.key })).toMatchObject({
      budget_limit_sats: null,
    });
    expect(await control.calls("set_budget")).toBe(2);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step("Edit budget falls back to update_agent when the faucet does not know set_budget", async () => {
    // Counted from here: the steps above made set_budget and update_agent calls of their own.
    const setBudgetBefore = await control.calls("set_budget");
    const updateBefore = await control.calls("update_agent");
    await control.setFaults({
      refuseWith: { error_code: "unknown_action", error: "Unknown action: set_budget" },
      actions: ["set_budget"],
      times: 1,
    });
    try {
      const dialog = await openRowAction(page, AGENT, "Edit budget");
      await dialog.getByLabel("Budget (sats)").fill("321");
      await dialog.getByRole("button", { name: "Save budget" }).click();
      await expect(dialog.getByRole("status")).toHaveText(`${AGENT}'s budget is 321 sats now.`);
      expect(await faucet.ok({ action: "get_budget_status", api_key: agent.key })).toMatchObject({
        budget_limit_sats: 321,
      });
      expect(await control.calls("set_budget")).toBe(setBudgetBefore + 1);
      expect(await control.calls("update_agent")).toBe(updateBefore + 1);
    } finally {
      await control.clearFaults();
    }
  });
});

test("New agent creates it with one call and reveals a first key the faucet accepts; Fund, then Sweep ends at 0 sats; Delete needs the agent's name typed, then the agent is gone and its balance returned", async ({
  page,
  request,
}) => {
  const { faucet, operator, agent, control } = await signedIn(page, request, "Create Operator");

  await test.step("New agent creates it with one call and reveals a first key the faucet accepts", async () => {
    await page.getByRole("button", { name: "New agent" }).click();
    const dialog = page.getByRole("dialog", { name: "New agent" });
    // Bad input first: field errors, no request.
    await dialog.getByLabel("Budget (sats)").fill("-5");
    await dialog.getByRole("button", { name: "Create agent" }).click();
    await expect(dialog.getByText("Enter a name.")).toBeVisible();
    await expect(dialog.getByText("The budget cannot be negative.")).toBeVisible();
    await dialog.getByLabel("Budget (sats)").fill("2.5");
    await dialog.getByLabel("Name").fill("x".repeat(101));
    await dialog.getByRole("button", { name: "Create agent" }).click();
    await expect(dialog.getByText("The name can be at most 100 characters.")).toBeVisible();
    await expect(dialog.getByText("The budget must be a whole number of sats (digits only).")).toBeVisible();
    expect(await control.calls("create_agent")).toBe(1); // newOperator's own

    await dialog.getByLabel("Name").fill("Fresh Bot");
    await dialog.getByLabel("Description (optional)").fill("made by the console");
    await dialog.getByLabel("Budget (sats)").fill("700");
    await dialog.getByRole("button", { name: "Create agent" }).click();
    const reveal = page.getByRole("dialog", { name: "New API key for Fresh Bot" });
    await expect(reveal).toBeVisible();
    // A new agent has no rotation cooldown: the reveal does not claim one.
    await expect(reveal).not.toContainText("locked until");
    const key = await readRevealedKey(page);
    expect(await control.calls("create_agent")).toBe(2);
    const who = await faucet.whoami(key);
    expect(who).toMatchObject({ success: true, type: "agent" });
    const status = await faucet.ok({ action: "get_budget_status", api_key: key });
    expect(status).toMatchObject({ budget_limit_sats: 700 });
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("button", { name: "More actions for Fresh Bot" })).toBeVisible();
  });

  await test.step("Fund, then Sweep: the confirmation shows the amount and the agent ends at 0 sats", async () => {
    let dialog = await openRowAction(page, AGENT, "Fund agent");
    await dialog.getByLabel("Amount (sats)").fill("0");
    await dialog.getByRole("button", { name: "Fund agent" }).click();
    await expect(dialog.getByText("The amount must be at least 1 sat.")).toBeVisible();
    await dialog.getByLabel("Amount (sats)").fill("2500");
    await dialog.getByRole("button", { name: "Fund agent" }).click();
    await expect(dialog.getByRole("status")).toHaveText(`Sent 2,500 sats. ${AGENT} now holds 2,500 sats.`);
    expect(await control.calls("fund_agent")).toBe(1);
    await expect(agentRow(page, agent.id)).toContainText("2,500");
    await dialog.getByRole("button", { name: "Close" }).click();

    dialog = await openRowAction(page, AGENT, "Sweep balance");
    await expect(dialog).toContainText("Moves all 2,500 sats");
    await dialog.getByRole("button", { name: "Sweep 2,500 sats" }).click();
    await expect(dialog.getByRole("status")).toHaveText(
      `Moved 2,500 sats to your operator balance. ${AGENT} now holds 0 sats.`,
    );
    expect((await agentOf(faucet, operator.operatorKey, agent.id))?.balance_sats).toBe(0);
    expect(await control.calls("withdraw_from_agent")).toBe(1);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(dialog).toBeHidden();
  });

  await test.step("Delete needs the agent's name typed, then the agent is gone and its balance returned", async () => {
    // The swept agent holds 0 sats: 300 more, so the balance returned is this step's.
    await faucet.ok({ action: "fund_agent", api_key: operator.operatorKey, agent_id: agent.id, amount_sats: 300 });
    const dialog = await openRowAction(page, AGENT, "Delete agent");
    const confirm = dialog.getByRole("button", { name: "Delete agent" });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel("Agent name").fill("Life");
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel("Agent name").fill(AGENT);
    await confirm.click();
    await expect(dialog.getByRole("status")).toHaveText(
      `Deleted ${AGENT}. 300 sats returned to your operator balance.`,
    );
    expect(await control.calls("delete_agent")).toBe(1);
    expect(await agentOf(faucet, operator.operatorKey, agent.id)).toBeUndefined();
    expect((await faucet.whoami(agent.key)).success).toBe(false);
    await dialog.getByRole("button", { name: "Close" }).click();
    await expect(page.getByRole("button", { name: `More actions for ${AGENT}` })).toHaveCount(0);
  });
});

test("Details shows budget, spent, balance, state, cooldown and links to the key history; a bad id is a 404", async ({
  page,
  request,
}) => {
  const { agent } = await signedIn(page, request, "Details Operator", async (faucet, operator) => {
    const fresh = operator.agents[0]!;
    await faucet.ok({ action: "fund_agent", api_key: operator.operatorKey, agent_id: fresh.id, amount_sats: 900 });
    await faucet.ok({
      action: "set_budget",
      api_key: operator.operatorKey,
      agent_id: fresh.id,
      budget_limit_sats: 800,
    });
    await faucet.ok({ action: "pay_invoice", api_key: fresh.key, invoice: "lnbc1u1test" });
  });

  await test.step("Details shows budget, spent, balance, state, cooldown and links to the key history", async () => {
    const trigger = page.getByRole("button", { name: `More actions for ${AGENT}` });
    await trigger.click();
    await page.getByRole("menuitem", { name: "Details" }).click();
    await expect(page).toHaveURL(`${CONSOLE}/agents/${agent.id}`);
    await expect(page.getByRole("heading", { name: AGENT })).toBeVisible();
    const details = page.locator("dl");
    await expect(details).toContainText("Budget limit800 sats");
    await expect(details).toContainText("Spent100 sats");
    await expect(details).toContainText("Remaining700 sats");
    await expect(details).toContainText("Balance800 sats");
    await expect(details).toContainText("StateActive");
    await expect(details).toContainText("CooldownNone");
    await expect(page.getByRole("link", { name: `Key history for ${AGENT}` })).toHaveAttribute(
      "href",
      `/agents/${agent.id}/keys`,
    );
  });

  await test.step("a bad id is a 404", async () => {
    // No loading boundary wraps the details page, so a bad id answers a real 404, never a 500.
    for (const bad of ["abc", "0", "1e3", "-4", "99999999999", "2147483647"]) {
      const response = await page.goto(`${CONSOLE}/agents/${bad}`);
      expect(response?.status(), bad).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    }
  });
});

test("the menu and a change work from the keyboard alone, focus returns to the row's menu button, and a double click is one call; then Details names the current key by the label of the last rotation", async ({
  page,
  request,
}) => {
  const { agent, control } = await signedIn(page, request, "Keyboard Life Operator");
  await test.step("the menu and a change work from the keyboard alone; focus returns; a double click is one call", async () => {
    const trigger = page.getByRole("button", { name: `More actions for ${AGENT}` });
    await trigger.focus();
    await page.keyboard.press("Enter");
    // Opened from the keyboard, the menu focuses its first item; the arrows count from there.
    await expect(page.getByRole("menuitem", { name: "Details" })).toBeFocused();
    // Fund agent is four items down (Deactivate, Edit budget, Sweep balance, Fund agent).
    for (const item of ["Deactivate", "Edit budget", "Sweep balance", "Fund agent"]) {
      await page.keyboard.press("ArrowDown");
      await expect(page.getByRole("menuitem", { name: item, exact: true })).toBeFocused();
    }
    await expect(page.getByRole("menuitem", { name: "Fund agent" })).toBeFocused();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("alertdialog", { name: `Fund ${AGENT}` });
    await expect(dialog).toBeVisible();
    await page.keyboard.type("50");
    await dialog.getByRole("button", { name: "Fund agent" }).dblclick();
    await expect(dialog.getByRole("status")).toHaveText(`Sent 50 sats. ${AGENT} now holds 50 sats.`);
    expect(await control.calls("fund_agent")).toBe(1);
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(trigger).toBeFocused();
    await expect(agentRow(page, agent.id)).toContainText("50 sats");
  });

  await test.step("Details names the current key by the label of the last rotation", async () => {
    const reveal = await rotateAgent(page, AGENT);
    const key = await readRevealedKey(page);
    await reveal.getByRole("button", { name: "Done" }).click();
    await page.goto(`${CONSOLE}/agents/${agent.id}`);
    const details = page.locator("dl");
    await expect(details).toContainText(`Current keyagent_…${key.slice(-4)}`);
    await expect(details).toContainText(/CooldownWithdrawals locked until \d\d:\d\d UTC/);
  });
});
