import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { readRevealedKey, signInOverHttp } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { FAUCET_API, SERVERS } from "./support/servers";

/**
 * One confirmation = one faucet call, however the user hammers it, and two sessions
 * rotating the same agent at once produce one rotation. Counted on console A's faucet,
 * per operator, so parallel tests do not disturb the counts.
 */
const CONSOLE = SERVERS.remoteA.url;
const AGENT = "Race Bot";
const ROTATE = "regenerate_agent_key";

async function freshOperator(request: APIRequestContext, name: string) {
  const operator = await new FaucetApi(request, FAUCET_API).newOperator(name, [AGENT]);
  const agent = operator.agents[0];
  if (!agent) throw new Error("newOperator created no agent");
  return { ...operator, agent, control: new OperatorFaucetControl(request, operator.operatorId) };
}

/**
 * Counts the server-action calls the page sends from now on (React posts each with a
 * `Next-Action` header). The faucet count alone would not prove the browser-side guard: the
 * server's guard also stops a second rotation. This count does.
 */
function countActionCalls(page: Page): () => number {
  let calls = 0;
  page.on("request", (request) => {
    if (request.method() === "POST" && request.headers()["next-action"] !== undefined) calls += 1;
  });
  return () => calls;
}

function openConfirmation(page: Page) {
  return page
    .getByRole("button", { name: `Rotate key for ${AGENT}` })
    .click()
    .then(() => page.getByRole("alertdialog", { name: `Rotate key for ${AGENT}?` }));
}

test("twenty clicks on Rotate key, dispatched before React can re-render, make one faucet call", async ({
  page,
  request,
}) => {
  const { operatorKey, control } = await freshOperator(request, "Click Storm Operator");
  await signInOverHttp(page, operatorKey, CONSOLE);
  const actionCalls = countActionCalls(page);
  const confirm = await openConfirmation(page);
  const button = confirm.getByRole("button", { name: "Rotate key" });
  await expect(button).toBeEnabled();

  // One synchronous burst: no render, so no `disabled`, can come between the clicks.
  await button.evaluate((element: HTMLElement) => {
    for (let click = 0; click < 20; click++) element.click();
  });
  await expect(page.getByRole("dialog", { name: `New API key for ${AGENT}` })).toBeVisible();
  expect(await control.calls(ROTATE)).toBe(1);
  // The other nineteen clicks never left the browser.
  expect(actionCalls()).toBe(1);
  await expect(page.getByRole("alertdialog")).toBeHidden();
});

test("twenty real mouse clicks in a tight loop make one faucet call", async ({ page, request }) => {
  const { operatorKey, control } = await freshOperator(request, "Mouse Storm Operator");
  await signInOverHttp(page, operatorKey, CONSOLE);
  // A slow faucet keeps the confirmation on screen, so every click lands on the same button.
  await control.setFaults({ latencyMs: 1_000, actions: [ROTATE], times: 1 });
  const actionCalls = countActionCalls(page);
  const confirm = await openConfirmation(page);
  const box = await confirm.getByRole("button", { name: "Rotate key" }).boundingBox();
  if (!box) throw new Error("the Rotate key button has no box");

  const [x, y] = [box.x + box.width / 2, box.y + box.height / 2];
  for (let click = 0; click < 20; click++) await page.mouse.click(x, y);
  await expect(page.getByRole("dialog", { name: `New API key for ${AGENT}` })).toBeVisible();
  expect(await control.calls(ROTATE)).toBe(1);
  expect(actionCalls()).toBe(1);
  await expect(page.getByRole("alertdialog")).toBeHidden();
});

test("twenty Enter presses on the focused Rotate key button make one faucet call, and land harmlessly on Copy key", async ({
  page,
  context,
  request,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { operatorKey, control } = await freshOperator(request, "Enter Storm Operator");
  await signInOverHttp(page, operatorKey, CONSOLE);
  const actionCalls = countActionCalls(page);
  const confirm = await openConfirmation(page);
  await confirm.getByRole("button", { name: "Rotate key" }).focus();

  for (let press = 0; press < 20; press++) await page.keyboard.press("Enter");
  const reveal = page.getByRole("dialog", { name: `New API key for ${AGENT}` });
  await expect(reveal).toBeVisible();
  expect(await control.calls(ROTATE)).toBe(1);
  expect(actionCalls()).toBe(1);
  // The presses after the reveal opened hit its focused Copy key button, never a second rotation.
  await expect(reveal.getByRole("button", { name: "Copy key" })).toBeFocused();
});

test("two sessions confirming the same agent at once: one reveal, the other told it was rotated elsewhere", async ({
  browser,
  request,
}) => {
  const { operatorKey, agent, control } = await freshOperator(request, "Two Tabs Operator");
  const faucet = new FaucetApi(request, FAUCET_API);
  const contexts = await Promise.all([browser.newContext(), browser.newContext()]);
  try {
    const pages = await Promise.all(contexts.map((context) => context.newPage()));
    for (const page of pages) await signInOverHttp(page, operatorKey, CONSOLE);
    const actionCalls = pages.map(countActionCalls);
    const confirms = await Promise.all(pages.map(openConfirmation));
    const buttons = confirms.map((confirm) => confirm.getByRole("button", { name: "Rotate key" }));
    for (const button of buttons) await expect(button).toBeEnabled();

    await Promise.all(buttons.map((button) => button.click()));

    const outcomes = await Promise.all(
      pages.map(async (page) => {
        const reveal = page.getByRole("dialog", { name: `New API key for ${AGENT}` });
        const elsewhere = page.getByRole("alertdialog").getByRole("alert");
        await expect(reveal.or(elsewhere)).toBeVisible();
        return (await reveal.isVisible()) ? { page, revealed: true } : { page, revealed: false };
      }),
    );
    const winners = outcomes.filter((outcome) => outcome.revealed);
    const losers = outcomes.filter((outcome) => !outcome.revealed);
    expect(winners).toHaveLength(1);
    expect(losers).toHaveLength(1);

    const loser = losers[0]!.page;
    await expect(loser.getByRole("alertdialog").getByRole("alert")).toHaveText(
      /^This key was rotated moments ago \(at \d\d:\d\d:\d\d UTC, from session [0-9a-f]{8}\)/,
    );
    await expect(loser.getByRole("alertdialog").getByRole("button", { name: "Reload agents" })).toBeVisible();

    const key = await readRevealedKey(winners[0]!.page);
    expect(await control.calls(ROTATE)).toBe(1);
    // Each page asked once; the server's guard, not the browser's, turned the second away.
    expect(actionCalls.map((count) => count())).toEqual([1, 1]);
    expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: agent.id });
    expect((await faucet.whoami(agent.key)).error_code).toBe("invalid_key");
  } finally {
    await Promise.all(contexts.map((context) => context.close()));
  }
});
