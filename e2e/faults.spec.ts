import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { readRevealedKey, signInOverHttp } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { FAUCET_API, SERVERS } from "./support/servers";
import { SESSION_COOKIE } from "./support/session-cookie";

/**
 * Every way the faucet can fail a rotation, on console A (FAUCET_TIMEOUT_MS=3000) through
 * the stand-alone faucet's fault injection. Faults and call counts are scoped to each
 * test's own operator (OperatorFaucetControl), so the tests run in parallel with each other
 * and with every other spec. The timeouts leave a margin that does not depend on that: an
 * injected latency of 5 s against the console's 3 s, and every other fault answers at once.
 */

const CONSOLE = SERVERS.remoteA.url;
const AGENT = "Fault Bot";
const ROTATE = "regenerate_agent_key";
/** The merged rotation tests' agents, one per fault: each case rotates (or kills the key of) its own. */
const ROTATION_AGENTS = {
  slow: "Slow Bot",
  status: "Five Hundred Bot",
  malformed: "Malformed Bot",
  lost: "Lost Reply Bot",
  keyless: "Keyless Bot",
  refused: "Refused Bot",
  revoked: "Revoked Bot",
} as const;

let control: OperatorFaucetControl | undefined;
test.afterEach(async () => {
  await control?.clearFaults();
  control = undefined;
});

async function signedInOperator(page: Page, request: APIRequestContext, name: string, agentNames = [AGENT]) {
  const faucet = new FaucetApi(request, FAUCET_API);
  const operator = await faucet.newOperator(name, agentNames);
  control = new OperatorFaucetControl(request, operator.operatorId);
  await signInOverHttp(page, operator.operatorKey, CONSOLE);
  const agent = operator.agents[0];
  if (!agent) throw new Error("newOperator created no agent");
  return { faucet, control, agent, agents: operator.agents, operatorKey: operator.operatorKey };
}

/** Opens the confirmation for an agent and presses "Rotate key" once. */
async function confirmRotation(page: Page, agentName: string) {
  await page.getByRole("button", { name: `Rotate key for ${agentName}` }).click();
  const confirm = page.getByRole("alertdialog", { name: `Rotate key for ${agentName}?` });
  await confirm.getByRole("button", { name: "Rotate key" }).click();
  return confirm;
}

/** "Rotate again" makes exactly one more call and reveals a key the faucet accepts; then closes the reveal. */
async function rotateAgainAndCheck(
  page: Page,
  faucet: FaucetApi,
  scoped: OperatorFaucetControl,
  agent: { id: number; name: string },
  callsBefore: number,
) {
  const confirm = page.getByRole("alertdialog");
  await confirm.getByRole("button", { name: "Rotate again" }).click();
  const reveal = page.getByRole("dialog", { name: `New API key for ${agent.name}` });
  await expect(reveal).toBeVisible();
  const key = await readRevealedKey(page);
  expect(await scoped.calls(ROTATE)).toBe(callsBefore + 1);
  expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: agent.id });
  await reveal.getByRole("button", { name: "Done" }).click();
  await expect(reveal).toBeHidden();
}

/** A fresh operator with the given agents, signed in, and a lookup of an agent by name. */
async function signedInWithAgents(page: Page, request: APIRequestContext, name: string, agentNames: string[]) {
  const signedIn = await signedInOperator(page, request, name, agentNames);
  const agentNamed = (agentName: string) => {
    const agent = signedIn.agents.find((candidate) => candidate.name === agentName);
    if (!agent) throw new Error(`newOperator did not create ${agentName}`);
    return agent;
  };
  return { ...signedIn, agentNamed };
}

/**
 * The rotation's faults in three tests, each on one operator and one page, an agent per case; the
 * counts are of each case's own calls.
 */
test("a rotation slower than the timeout or answered with a 5xx is 'outcome unknown' after exactly one call, and the old key survived", async ({
  page,
  request,
}) => {
  const {
    faucet,
    control: scoped,
    agentNamed,
  } = await signedInWithAgents(page, request, "Unknown Outcome Operator", [
    ROTATION_AGENTS.slow,
    ROTATION_AGENTS.status,
  ]);

  await test.step("a rotation slower than the timeout is 'outcome unknown' with a Rotate again button, after exactly one call", async () => {
    const agent = agentNamed(ROTATION_AGENTS.slow);
    const before = await scoped.calls(ROTATE);
    await scoped.setFaults({ latencyMs: 5_000, actions: [ROTATE], times: 1 });

    const confirm = await confirmRotation(page, agent.name);
    await expect(confirm.getByRole("alert")).toHaveText(
      /^Outcome unknown: The faucet did not answer within 3 s\..*old key may already be invalid/,
    );
    await expect(confirm.getByRole("button", { name: "Rotate again" })).toBeEnabled();
    expect(await scoped.calls(ROTATE)).toBe(before + 1);
    // The faucet dropped the request when the console gave up, so here the old key survived.
    expect((await faucet.whoami(agent.key)).success).toBe(true);

    await rotateAgainAndCheck(page, faucet, scoped, agent, before + 1);
  });

  await test.step("a 5xx on a rotation is 'outcome unknown' naming the status, after exactly one call", async () => {
    const agent = agentNamed(ROTATION_AGENTS.status);
    const before = await scoped.calls(ROTATE);
    await scoped.setFaults({ failWithStatus: 502, actions: [ROTATE], times: 1 });

    const confirm = await confirmRotation(page, agent.name);
    await expect(confirm.getByRole("alert")).toHaveText(
      /^Outcome unknown: The faucet failed \(HTTP 502\)\..*old key may already be invalid/,
    );
    await expect(confirm.getByRole("button", { name: "Rotate again" })).toBeVisible();
    expect(await scoped.calls(ROTATE)).toBe(before + 1);
    expect((await faucet.whoami(agent.key)).success).toBe(true);
    await page.keyboard.press("Escape");
    await expect(confirm).toBeHidden();
  });
});

test("a rotation whose reply is unreadable or lost after the faucet committed is 'outcome unknown' after one call; Rotate again makes one more and reveals a working key", async ({
  page,
  request,
}) => {
  const {
    faucet,
    control: scoped,
    agentNamed,
  } = await signedInWithAgents(page, request, "Committed Unknown Operator", [
    ROTATION_AGENTS.malformed,
    ROTATION_AGENTS.lost,
  ]);

  await test.step("an unreadable reply to a rotation is 'outcome unknown', and the rotation did happen", async () => {
    const agent = agentNamed(ROTATION_AGENTS.malformed);
    const before = await scoped.calls(ROTATE);
    await scoped.setFaults({ malformedJson: true, actions: [ROTATE], times: 1 });

    const confirm = await confirmRotation(page, agent.name);
    await expect(confirm.getByRole("alert")).toHaveText(
      /^Outcome unknown: The faucet sent a reply the console cannot read\..*old key may already be invalid/,
    );
    expect(await scoped.calls(ROTATE)).toBe(before + 1);
    expect((await faucet.whoami(agent.key)).error_code).toBe("invalid_key");

    await rotateAgainAndCheck(page, faucet, scoped, agent, before + 1);
  });

  await test.step("a reply lost after the faucet committed is 'outcome unknown'; Rotate again makes one call and reveals a working key", async () => {
    const agent = agentNamed(ROTATION_AGENTS.lost);
    const before = await scoped.calls(ROTATE);
    await scoped.setFaults({ dropReplyAfterCommit: true, actions: [ROTATE], times: 1 });

    const confirm = await confirmRotation(page, agent.name);
    await expect(confirm.getByRole("alert")).toHaveText(
      /^Outcome unknown: The connection to the faucet broke before it answered\..*old key may already be invalid/,
    );
    expect(await scoped.calls(ROTATE)).toBe(before + 1);
    // The faucet's state: the rotation happened, so the old key is already dead.
    expect((await faucet.whoami(agent.key)).error_code).toBe("invalid_key");

    await rotateAgainAndCheck(page, faucet, scoped, agent, before + 1);
  });
});

/** The revoked operator key goes last, as it signs the page out; a sign-in on that page follows. */
test("a rotation answered without a key, refused, or made with a revoked operator key says so after one call each; a slow sign-in says the faucet did not answer", async ({
  page,
  context,
  request,
}) => {
  const {
    faucet,
    control: scoped,
    agentNamed,
    operatorKey,
  } = await signedInWithAgents(page, request, "Refused Rotation Operator", [
    ROTATION_AGENTS.keyless,
    ROTATION_AGENTS.refused,
    ROTATION_AGENTS.revoked,
  ]);

  await test.step("success without a key says the old key may already be invalid and offers Rotate again", async () => {
    const agent = agentNamed(ROTATION_AGENTS.keyless);
    const before = await scoped.calls(ROTATE);
    await scoped.setFaults({ omitKey: true, actions: [ROTATE], times: 1 });

    const confirm = await confirmRotation(page, agent.name);
    await expect(confirm.getByRole("alert")).toHaveText(
      /rotated the key but sent no new key\. The old key is probably invalid already/,
    );
    expect(await scoped.calls(ROTATE)).toBe(before + 1);
    expect((await faucet.whoami(agent.key)).error_code).toBe("invalid_key");

    await rotateAgainAndCheck(page, faucet, scoped, agent, before + 1);
  });

  await test.step("a cooldown refusal and a rate limit are each shown with their time, one call each", async () => {
    const agent = agentNamed(ROTATION_AGENTS.refused);
    const before = await scoped.calls(ROTATE);
    const until = new Date(Date.now() + 20 * 60_000);
    await scoped.setFaults({
      refuseWith: {
        error_code: "cooldown",
        error: "Withdrawals locked",
        cooldown_until: until.toISOString(),
        seconds_remaining: 1200,
      },
      actions: [ROTATE],
      times: 1,
    });

    const confirm = await confirmRotation(page, agent.name);
    const hhmm = until.toISOString().slice(11, 16);
    await expect(confirm.getByRole("alert")).toHaveText(
      `Withdrawals are locked until ${hhmm} UTC after a key rotation.`,
    );
    expect(await scoped.calls(ROTATE)).toBe(before + 1);

    await scoped.setFaults({
      refuseWith: { error_code: "rate_limited", error: "Too many requests", retry_after: 30 },
      actions: [ROTATE],
      times: 1,
    });
    await confirm.getByRole("button", { name: "Rotate key" }).click();
    await expect(confirm.getByRole("alert")).toHaveText("The faucet is limiting requests. Try again in 30 s.");
    expect(await scoped.calls(ROTATE)).toBe(before + 2);
    // Neither refusal rotated anything.
    expect((await faucet.whoami(agent.key)).success).toBe(true);
    await page.keyboard.press("Escape");
    await expect(confirm).toBeHidden();
  });

  await test.step("an operator key rotated behind the console's back signs the user out with that reason", async () => {
    const before = await scoped.calls(ROTATE);
    await faucet.ok({ action: "regenerate_operator_key", api_key: operatorKey });

    await confirmRotation(page, ROTATION_AGENTS.revoked);
    await expect(page).toHaveURL(`${CONSOLE}/?reason=key_invalid`);
    await expect(page.getByRole("status")).toHaveText(
      /^You were signed out: the faucet no longer accepts your operator key\. It was rotated or revoked elsewhere\./,
    );
    expect((await context.cookies(CONSOLE)).find((cookie) => cookie.name === SESSION_COOKIE)).toBeUndefined();
    expect(await scoped.calls(ROTATE)).toBe(before + 1);
  });

  await test.step("a sign-in whose whoami is slower than the timeout says the faucet did not answer, after one call", async () => {
    // A fresh operator, its own faults: the afterEach clears only the last operator's.
    await scoped.clearFaults();
    const operator = await faucet.newOperator("Slow Sign-in Operator", []);
    // The key must have been used once for the faucet to attribute it to the operator.
    await faucet.whoami(operator.operatorKey);
    control = new OperatorFaucetControl(request, operator.operatorId);
    await control.setFaults({ latencyMs: 5_000, actions: ["whoami"], times: 1 });

    await page.goto(`${CONSOLE}/`);
    await page.getByLabel("Operator API key").fill(operator.operatorKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert").filter({ hasText: /\S/ })).toHaveText(
      "The faucet did not answer within 3 s. Your key was not checked; try again when the faucet is back.",
    );
    await expect(page).toHaveURL(`${CONSOLE}/`);
    expect(await control.calls("whoami")).toBe(2);
  });
});

test("when the faucet dies under an open page the rows stay, marked stale, and recover by themselves", async ({
  page,
  request,
}) => {
  // The clock is fake from the first load on: no reload needed to install it.
  await page.clock.install();
  const { control: scoped } = await signedInOperator(page, request, "Outage Operator");
  const row = page.getByRole("rowheader", { name: AGENT });
  await expect(row).toBeVisible();

  await scoped.setFaults({ failWithStatus: 503, actions: ["list_agents", "whoami"] });
  const stale = page.getByRole("status").filter({ hasText: /^Stale data:/ });
  await page.clock.runFor(30_000);
  // The refetch (and react-query's one retry) run over the real network between ticks of the fake clock.
  await expect(async () => {
    await page.clock.runFor(1_000);
    await expect(stale).toBeVisible({ timeout: 250 });
  }).toPass();
  await expect(stale).toContainText("The faucet failed (HTTP 503).");
  await expect(row).toBeVisible();

  await scoped.clearFaults();
  await expect(async () => {
    await page.clock.runFor(1_000);
    await expect(stale).toBeHidden({ timeout: 250 });
  }).toPass();
  await expect(row).toBeVisible();
});

// "a faucet that refuses connections" (sign-in, the agents page and a rotation) runs in
// e2e/lifecycle-faults.spec.ts beside the lifecycle steps, on the one console whose faucet is down.
