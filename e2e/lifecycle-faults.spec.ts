import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { dataRoot } from "./support/test-servers";
import { openSessionOverHttp, signInOverHttp } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { openRowAction } from "./support/lifecycle-page";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { actionIds, callAction, rotationArgs } from "./support/server-actions";
import { FAUCET_API, GENEROUS_LIMITS, SERVERS, SHARED_SECRETS } from "./support/servers";
import { freePort, startConsole, type SpawnedConsole } from "./support/spawned-console";
import { SESSION_COOKIE } from "./support/session-cookie";

/**
 * The lifecycle dialogs under each way the faucet can fail a step, on console A
 * (FAUCET_TIMEOUT_MS=3000) through the stand-alone faucet's fault injection, scoped to each
 * test's operator: each failure shows its own message in the dialog, which keeps its button
 * after a refusal and offers "Reload agents" instead after an unknown outcome, and costs
 * exactly one faucet call, never a retry. Every step's action is checked against every fault
 * in process (in-process/lifecycle-faults.test.ts); here, the two dialogs that show them:
 * create's own and the change dialog every other step shares (through sweep, which also has
 * the cooldown refusal). Each step's faults run in turn on one operator and one page; the
 * tests have their own operators, so they run in parallel (fullyParallel). The timeouts'
 * margin (an injected 5 s against the console's 3 s) does not depend on that.
 */

const CONSOLE = SERVERS.remoteA.url;
const AGENT = "Fault Life Bot";

type Step = {
  name: string;
  faucetAction: string;
  /** Opens the step's dialog, fills it and confirms once; returns the dialog. */
  confirm: (page: Page) => Promise<Locator>;
  /** The button that confirms it (gone after an unknown outcome). */
  button: string;
  /** What "outcome unknown" says this step may have done. */
  unknown: RegExp;
};

const STEPS: Step[] = [
  {
    name: "create",
    faucetAction: "create_agent",
    button: "Create agent",
    unknown: /may have created the agent anyway.*two agents/,
    confirm: async (page) => {
      await page.getByRole("button", { name: "New agent" }).click();
      const dialog = page.getByRole("dialog", { name: "New agent" });
      await dialog.getByLabel("Name").fill("Maybe Bot");
      await dialog.getByRole("button", { name: "Create agent" }).click();
      return dialog;
    },
  },
  {
    name: "deactivate",
    faucetAction: "update_agent",
    button: "Deactivate",
    unknown: /may not have been deactivated: its key may still pay/,
    confirm: async (page) => {
      const dialog = await openRowAction(page, AGENT, "Deactivate");
      await dialog.getByRole("button", { name: "Deactivate" }).click();
      return dialog;
    },
  },
  {
    name: "budget",
    faucetAction: "set_budget",
    button: "Save budget",
    unknown: /budget may have changed anyway/,
    confirm: async (page) => {
      const dialog = await openRowAction(page, AGENT, "Edit budget");
      await dialog.getByLabel("Budget (sats)").fill("500");
      await dialog.getByRole("button", { name: "Save budget" }).click();
      return dialog;
    },
  },
  {
    name: "sweep",
    faucetAction: "withdraw_from_agent",
    button: "Sweep 400 sats",
    unknown: /sats may have been moved anyway/,
    confirm: async (page) => {
      const dialog = await openRowAction(page, AGENT, "Sweep balance");
      await dialog.getByRole("button", { name: "Sweep 400 sats" }).click();
      return dialog;
    },
  },
  {
    name: "fund",
    faucetAction: "fund_agent",
    button: "Fund agent",
    unknown: /sats may have been sent anyway.*funding again/,
    confirm: async (page) => {
      const dialog = await openRowAction(page, AGENT, "Fund agent");
      await dialog.getByLabel("Amount (sats)").fill("100");
      await dialog.getByRole("button", { name: "Fund agent" }).click();
      return dialog;
    },
  },
  {
    name: "delete",
    faucetAction: "delete_agent",
    button: "Delete agent",
    unknown: /agent may have been deleted anyway/,
    confirm: async (page) => {
      const dialog = await openRowAction(page, AGENT, "Delete agent");
      await dialog.getByLabel("Agent name").fill(AGENT);
      await dialog.getByRole("button", { name: "Delete agent" }).click();
      return dialog;
    },
  },
];

/** The steps whose dialogs are checked here: create's dialog, and the change dialog (through sweep). */
const STEPS_IN_THE_BROWSER = new Set(["create", "sweep"]);

let control: OperatorFaucetControl | undefined;
test.afterEach(async () => {
  await control?.clearFaults();
  control = undefined;
});

/** A fresh operator with one agent holding 400 sats, signed in on A, its agents page open on `url`. */
async function signedIn(
  page: Page,
  request: APIRequestContext,
  name: string,
  { url = CONSOLE }: { url?: string } = {},
) {
  const faucet = new FaucetApi(request, FAUCET_API);
  const operator = await faucet.newOperator(name, [AGENT]);
  const agent = operator.agents[0]!;
  await faucet.ok({ action: "fund_agent", api_key: operator.operatorKey, agent_id: agent.id, amount_sats: 400 });
  control = new OperatorFaucetControl(request, operator.operatorId);
  if (url === CONSOLE) await signInOverHttp(page, operator.operatorKey, CONSOLE);
  else {
    // The session opened on A is valid on `url` too (same secret and store, cookies shared across ports).
    await openSessionOverHttp(page, operator.operatorKey, CONSOLE);
    await page.goto(`${url}/agents`);
  }
  return { faucet, operator, agent, control };
}

/** Closes a step's dialog and waits for it to go, so the next case opens a fresh one. */
async function close(page: Page, dialog: Locator) {
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
}

/** The names of the operator's agents at the faucet itself. */
async function agentNames(faucet: FaucetApi, operatorKey: string) {
  const list = await faucet.ok({ action: "list_agents", api_key: operatorKey });
  return (list.agents as { name: string }[]).map((agent) => agent.name);
}

/**
 * One operator and one page per step, its faults in turn. None of the three performs the change
 * (the emulator answers a refusal and a 5xx without processing, and drops a slow request when the
 * console gives up on it), so each case finds the agent as the first did; the slow case goes last
 * all the same, since its request is the only one still open at the faucet when the dialog closes.
 */
for (const step of STEPS.filter(({ name }) => STEPS_IN_THE_BROWSER.has(name))) {
  test(`${step.name}: a refusal leaves the button to try again; a 5xx and a faucet slower than the timeout are 'outcome unknown'; one call each, no blind retry`, async ({
    page,
    request,
  }) => {
    const { faucet, operator, agent, control: scoped } = await signedIn(page, request, `Faults ${step.name} Operator`);

    await test.step("a refusal says so, changes nothing and leaves the button to try again", async () => {
      const before = await scoped.calls(step.faucetAction);
      await scoped.setFaults({
        refuseWith: { error_code: "rate_limited", error: "Slow down", retry_after: 30 },
        actions: [step.faucetAction],
        times: 1,
      });
      const dialog = await step.confirm(page);
      await expect(dialog.getByRole("alert")).toHaveText("The faucet is limiting requests. Try again in 30 s.");
      await expect(dialog.getByRole("button", { name: step.button })).toBeEnabled();
      expect(await scoped.calls(step.faucetAction)).toBe(before + 1);
      await close(page, dialog);
    });

    await test.step("a 5xx is 'outcome unknown' naming the status, after one call", async () => {
      const before = await scoped.calls(step.faucetAction);
      await scoped.setFaults({ failWithStatus: 500, actions: [step.faucetAction], times: 1 });
      const dialog = await step.confirm(page);
      const alert = dialog.getByRole("alert");
      await expect(alert).toHaveText(/^Outcome unknown: The faucet failed \(HTTP 500\)\./);
      await expect(alert).toHaveText(step.unknown);
      expect(await scoped.calls(step.faucetAction)).toBe(before + 1);
      await close(page, dialog);
    });

    await test.step("a faucet slower than the timeout is 'outcome unknown' after one call, with no blind retry", async () => {
      const before = await scoped.calls(step.faucetAction);
      await scoped.setFaults({ latencyMs: 5_000, actions: [step.faucetAction], times: 1 });
      const dialog = await step.confirm(page);
      const alert = dialog.getByRole("alert");
      await expect(alert).toHaveText(/^Outcome unknown: The faucet did not answer within 3 s\./);
      await expect(alert).toHaveText(step.unknown);
      await expect(dialog.getByRole("button", { name: step.button })).toHaveCount(0);
      await expect(dialog.getByRole("button", { name: "Reload agents" })).toBeVisible();
      expect(await scoped.calls(step.faucetAction)).toBe(before + 1);
    });

    if (step.name === "create") {
      await test.step("an agent created without its key is 'key missing', says to rotate, and offers no second create", async () => {
        const dialog = page.getByRole("dialog", { name: "New agent" });
        await close(page, dialog);
        // None of the faults above created one: the agent found below is this case's.
        expect(await agentNames(faucet, operator.operatorKey)).not.toContain("Maybe Bot");
        const before = await scoped.calls("create_agent");
        await scoped.setFaults({ omitKey: true, actions: ["create_agent"], times: 1 });
        await step.confirm(page);
        await expect(dialog.getByRole("alert")).toHaveText(
          /^The faucet created Maybe Bot \(agent \d+\) but sent no key, so its only key was never shown\. Rotate its key/,
        );
        await expect(dialog.getByRole("button", { name: "Create agent" })).toHaveCount(0);
        await expect(page.getByRole("dialog", { name: /New API key/ })).toHaveCount(0);
        expect(await scoped.calls("create_agent")).toBe(before + 1);
        expect(await agentNames(faucet, operator.operatorKey)).toContain("Maybe Bot");
        await dialog.getByRole("button", { name: "Reload agents" }).click();
        await expect(page.getByRole("button", { name: "Rotate key for Maybe Bot" })).toBeVisible();
      });
    }

    if (step.name === "sweep") {
      await test.step("a cooldown refusal says the rotation's cooldown blocks it and to sweep before rotating", async () => {
        await close(page, page.getByRole("alertdialog"));
        await faucet.ok({ action: "regenerate_agent_key", api_key: operator.operatorKey, agent_id: agent.id });
        // Reloaded, so the row shows the rotation's cooldown when the sweep is asked for, as in the old test.
        await page.reload();
        const before = await scoped.calls("withdraw_from_agent");
        const dialog = await step.confirm(page);
        await expect(dialog.getByRole("alert")).toHaveText(
          /^The faucet refused the sweep: this agent's withdrawals are locked until \d\d:\d\d UTC by the cooldown of its last key rotation\. Nothing was moved\. In an incident, sweep before rotating/,
        );
        expect(await scoped.calls("withdraw_from_agent")).toBe(before + 1);
        const list = await faucet.ok({ action: "list_agents", api_key: operator.operatorKey });
        expect(
          (list.agents as { id: number; balance_sats: number }[]).find((row) => row.id === agent.id)?.balance_sats,
        ).toBe(400);
      });
    }
  });
}

test.describe("a faucet that is down", () => {
  // One console whose faucet refuses connections serves both tests, in order in one worker.
  test.describe.configure({ mode: "default" });
  let downConsole: SpawnedConsole | undefined;
  test.beforeAll(async () => {
    test.setTimeout(120_000);
    const deadFaucet = await freePort();
    downConsole = await startConsole({
      dataDir: `${dataRoot}/lifecycle-down-faucet-console`,
      // A's store and secrets: the session opened on A is one this instance knows.
      env: {
        FAUCET_API_URL: `http://127.0.0.1:${deadFaucet}/ai-agents/api`,
        FAUCET_TIMEOUT_MS: "3000",
        DATABASE_URL: SERVERS.postgres.url,
        ...SHARED_SECRETS,
        ...GENEROUS_LIMITS,
      },
    });
  });
  test.afterAll(async () => {
    await downConsole?.stop();
  });
  // The first test routes the page's actions: a route still running when a test ends fails the run.
  test.afterEach(async ({ page }) => {
    await page.unrouteAll({ behavior: "ignoreErrors" });
  });

  test("every step says the faucet cannot be reached, never 'outcome unknown', and keeps its button", async ({
    page,
    request,
  }) => {
    const url = downConsole?.url ?? "";
    // The list comes from A's page (this console cannot load it); the actions go to the dead faucet.
    await signedIn(page, request, "Down Faucet Operator");
    const rows = page.getByRole("button", { name: `More actions for ${AGENT}` });
    await expect(rows).toBeVisible();
    // Server actions are posted to the page's own origin: route them to the console whose faucet is down.
    await page.route(`${CONSOLE}/agents**`, async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      const response = await route.fetch({
        url: route.request().url().replace(CONSOLE, url),
        headers: { ...route.request().headers(), origin: url },
      });
      await route.fulfill({ response });
    });
    for (const step of STEPS) {
      const dialog = await step.confirm(page);
      await expect(dialog.getByRole("alert"), step.name).toHaveText(
        "The faucet cannot be reached. Check that it is running.",
      );
      await expect(dialog.getByRole("button", { name: step.button })).toBeEnabled();
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
    }
  });

  // Moved from e2e/faults.spec.ts (the rotation's faults), whose console this was too.
  test("sign-in, the agents page and a rotation each say the faucet cannot be reached, never 'outcome unknown'", async ({
    page,
    request,
  }) => {
    const url = downConsole?.url ?? "";
    // The session opened on A is valid here too (same secret and store, cookies shared across ports).
    const { operator, agent } = await signedIn(page, request, "Unreachable Operator", { url });
    const failure = page.getByRole("alert").filter({ hasText: "The agents could not be loaded" });
    await expect(failure).toContainText("The faucet cannot be reached. Check that it is running.");

    const cookie = (await page.context().cookies(url)).find((entry) => entry.name === SESSION_COOKIE);
    expect(cookie).toBeDefined();
    const reply = await callAction(
      request,
      url,
      actionIds().rotateAgentKey ?? "",
      JSON.stringify([rotationArgs({ agentId: agent.id })]),
      {
        cookie: `${SESSION_COOKIE}=${cookie?.value ?? ""}`,
      },
    );
    // Refused before anything was sent: nothing can have changed, so this is not "outcome unknown".
    expect(reply.result).toEqual({
      ok: false,
      code: "faucet_unavailable",
      message: "The faucet cannot be reached. Check that it is running.",
    });

    await page.context().clearCookies();
    await page.goto(`${url}/`);
    await page.getByLabel("Operator API key").fill(operator.operatorKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText(
      "The faucet cannot be reached. Check that it is running. Your key was not checked; try again when the faucet is back.",
    );
  });
});

// The console's own limit (RATE_LIMIT_AGENT_CHANGES: the change over it refused with the wait, no faucet
// call) needs no console of its own: in-process/limits.test.ts. The dialog shows any refusal's message in
// its alert, verbatim: the faucet's refusal above proves that rendering.
