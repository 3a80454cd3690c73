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

let control: OperatorFaucetControl | undefined;
test.afterEach(async () => {
  await control?.clearFaults();
  control = undefined;
});

async function signedInOperator(page: Page, request: APIRequestContext, name: string) {
  const faucet = new FaucetApi(request, FAUCET_API);
  const operator = await faucet.newOperator(name, [AGENT]);
  control = new OperatorFaucetControl(request, operator.operatorId);
  await signInOverHttp(page, operator.operatorKey, CONSOLE);
  const agent = operator.agents[0];
  if (!agent) throw new Error("newOperator created no agent");
  return { faucet, control, agent, operatorKey: operator.operatorKey };
}

/** Opens the confirmation for the test's agent and presses "Rotate key" once. */
async function confirmRotation(page: Page) {
  await page.getByRole("button", { name: `Rotate key for ${AGENT}` }).click();
  const confirm = page.getByRole("alertdialog", { name: `Rotate key for ${AGENT}?` });
  await confirm.getByRole("button", { name: "Rotate key" }).click();
  return confirm;
}

/** "Rotate again" makes exactly one more call and reveals a key the faucet accepts. */
async function rotateAgainAndCheck(
  page: Page,
  faucet: FaucetApi,
  scoped: OperatorFaucetControl,
  agentId: number,
  callsBefore: number,
) {
  const confirm = page.getByRole("alertdialog");
  await confirm.getByRole("button", { name: "Rotate again" }).click();
  await expect(page.getByRole("dialog", { name: `New API key for ${AGENT}` })).toBeVisible();
  const key = await readRevealedKey(page);
  expect(await scoped.calls(ROTATE)).toBe(callsBefore + 1);
  expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: agentId });
}

test("a rotation slower than the timeout is 'outcome unknown' with a Rotate again button, after exactly one call", async ({
  page,
  request,
}) => {
  const { faucet, control: scoped, agent } = await signedInOperator(page, request, "Slow Rotation Operator");
  await scoped.setFaults({ latencyMs: 5_000, actions: [ROTATE], times: 1 });

  const confirm = await confirmRotation(page);
  await expect(confirm.getByRole("alert")).toHaveText(
    /^Outcome unknown: The faucet did not answer within 3 s\..*old key may already be invalid/,
  );
  await expect(confirm.getByRole("button", { name: "Rotate again" })).toBeEnabled();
  expect(await scoped.calls(ROTATE)).toBe(1);
  // The faucet dropped the request when the console gave up, so here the old key survived.
  expect((await faucet.whoami(agent.key)).success).toBe(true);

  await rotateAgainAndCheck(page, faucet, scoped, agent.id, 1);
});

test("a sign-in whose whoami is slower than the timeout says the faucet did not answer, after one call", async ({
  page,
  request,
}) => {
  const faucet = new FaucetApi(request, FAUCET_API);
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

test("a 5xx on a rotation is 'outcome unknown' naming the status, after exactly one call", async ({
  page,
  request,
}) => {
  const { faucet, control: scoped, agent } = await signedInOperator(page, request, "Five Hundred Operator");
  await scoped.setFaults({ failWithStatus: 502, actions: [ROTATE], times: 1 });

  const confirm = await confirmRotation(page);
  await expect(confirm.getByRole("alert")).toHaveText(
    /^Outcome unknown: The faucet failed \(HTTP 502\)\..*old key may already be invalid/,
  );
  await expect(confirm.getByRole("button", { name: "Rotate again" })).toBeVisible();
  expect(await scoped.calls(ROTATE)).toBe(1);
  expect((await faucet.whoami(agent.key)).success).toBe(true);
});

test("an unreadable reply to a rotation is 'outcome unknown', and the rotation did happen", async ({
  page,
  request,
}) => {
  const { faucet, control: scoped, agent } = await signedInOperator(page, request, "Malformed Operator");
  await scoped.setFaults({ malformedJson: true, actions: [ROTATE], times: 1 });

  const confirm = await confirmRotation(page);
  await expect(confirm.getByRole("alert")).toHaveText(
    /^Outcome unknown: The faucet sent a reply the console cannot read\..*old key may already be invalid/,
  );
  expect(await scoped.calls(ROTATE)).toBe(1);
  expect((await faucet.whoami(agent.key)).error_code).toBe("invalid_key");

  await rotateAgainAndCheck(page, faucet, scoped, agent.id, 1);
});

test("a reply lost after the faucet committed is 'outcome unknown'; Rotate again makes one call and reveals a working key", async ({
  page,
  request,
}) => {
  const { faucet, control: scoped, agent } = await signedInOperator(page, request, "Lost Reply Operator");
  await scoped.setFaults({ dropReplyAfterCommit: true, actions: [ROTATE], times: 1 });

  const confirm = await confirmRotation(page);
  await expect(confirm.getByRole("alert")).toHaveText(
    /^Outcome unknown: The connection to the faucet broke before it answered\..*old key may already be invalid/,
  );
  expect(await scoped.calls(ROTATE)).toBe(1);
  // The faucet's state: the rotation happened, so the old key is already dead.
  expect((await faucet.whoami(agent.key)).error_code).toBe("invalid_key");

  await rotateAgainAndCheck(page, faucet, scoped, agent.id, 1);
});

test("success without a key says the old key may already be invalid and offers Rotate again", async ({
  page,
  request,
}) => {
  const { faucet, control: scoped, agent } = await signedInOperator(page, request, "Keyless Operator");
  await scoped.setFaults({ omitKey: true, actions: [ROTATE], times: 1 });

  const confirm = await confirmRotation(page);
  await expect(confirm.getByRole("alert")).toHaveText(
    /rotated the key but sent no new key\. The old key is probably invalid already/,
  );
  expect(await scoped.calls(ROTATE)).toBe(1);
  expect((await faucet.whoami(agent.key)).error_code).toBe("invalid_key");

  await rotateAgainAndCheck(page, faucet, scoped, agent.id, 1);
});

test("a cooldown refusal and a rate limit are each shown with their time, one call each", async ({ page, request }) => {
  const { faucet, control: scoped, agent } = await signedInOperator(page, request, "Refused Operator");
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

  const confirm = await confirmRotation(page);
  const hhmm = until.toISOString().slice(11, 16);
  await expect(confirm.getByRole("alert")).toHaveText(`Withdrawals are locked until ${hhmm} UTC after a key rotation.`);
  expect(await scoped.calls(ROTATE)).toBe(1);

  await scoped.setFaults({
    refuseWith: { error_code: "rate_limited", error: "Too many requests", retry_after: 30 },
    actions: [ROTATE],
    times: 1,
  });
  await confirm.getByRole("button", { name: "Rotate key" }).click();
  await expect(confirm.getByRole("alert")).toHaveText("The faucet is limiting requests. Try again in 30 s.");
  expect(await scoped.calls(ROTATE)).toBe(2);
  // Neither refusal rotated anything.
  expect((await faucet.whoami(agent.key)).success).toBe(true);
});

test("an operator key rotated behind the console's back signs the user out with that reason", async ({
  page,
  context,
  request,
}) => {
  const { faucet, control: scoped, operatorKey } = await signedInOperator(page, request, "Revoked Operator");
  await faucet.ok({ action: "regenerate_operator_key", api_key: operatorKey });

  await confirmRotation(page);
  await expect(page).toHaveURL(`${CONSOLE}/?reason=key_invalid`);
  await expect(page.getByRole("status")).toHaveText(
    /^You were signed out: the faucet no longer accepts your operator key\. It was rotated or revoked elsewhere\./,
  );
  expect((await context.cookies(CONSOLE)).find((cookie) => cookie.name === SESSION_COOKIE)).toBeUndefined();
  expect(await scoped.calls(ROTATE)).toBe(1);
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
