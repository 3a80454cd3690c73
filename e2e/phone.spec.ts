import { expect, test, type Locator, type Page } from "@playwright/test";
import { readRevealedKey, rotateAgent } from "./support/console-page";
import { agentRow, openRowAction } from "./support/lifecycle-page";
import { signInFreshOperator } from "./support/signed-in-operator";
import { expectNoAxeViolations } from "./support/axe";

/**
 * A phone (390×844): every agent's name, state, timer and both row buttons are reachable
 * without horizontal scrolling, the lifecycle dialogs fit the screen, and axe finds nothing
 * on any new dialog or menu.
 */
test.use({ viewport: { width: 390, height: 844 }, hasTouch: true });

const WIDTH = 390;
const HEIGHT = 844;

async function expectWithinScreen(locator: Locator, what: string) {
  const box = await locator.boundingBox();
  expect(box, what).not.toBeNull();
  expect(box!.x, `${what}: left edge`).toBeGreaterThanOrEqual(0);
  expect(box!.y, `${what}: top edge`).toBeGreaterThanOrEqual(0);
  expect(box!.x + box!.width, `${what}: right edge`).toBeLessThanOrEqual(WIDTH);
  expect(box!.y + box!.height, `${what}: bottom edge`).toBeLessThanOrEqual(HEIGHT);
}

async function expectNoHorizontalScroll(page: Page) {
  const widths = await page.evaluate(() => ({
    page: document.documentElement.scrollWidth,
    scroller: document.querySelector("[data-testid=agents-scroller]")?.scrollWidth ?? 0,
  }));
  expect(widths.page, "the page scrolls sideways").toBeLessThanOrEqual(WIDTH);
  expect(widths.scroller, "the agents list scrolls sideways").toBeLessThanOrEqual(WIDTH);
}

// One operator and one page for both: one sign-in and page load. The axe checks run on cards the first
// step left rotated and inactive, which the agents page shows too.
test("on a phone: rotate and deactivate an agent, every card's controls on screen; the new dialogs and the menu fit and have no axe violations", async ({
  page,
  request,
  baseURL,
}) => {
  // The two tests' budgets: 45 s, and three times that for fourteen axe runs and eight dialogs, which under a
  // full run's load on 2 cores take more than the default limit.
  test.setTimeout(45_000 + 3 * 45_000);
  const names = ["Phone Alpha", "Phone Beta with a rather long name that must be truncated"];
  const name = "Axe Phone Bot";
  const { faucet, agents } = await signInFreshOperator(page, request, baseURL, "Phone Operator", {
    agentNames: [...names, name],
  });

  await test.step("rotate and deactivate an agent on a phone, every card's controls on screen", async () => {
    await expect(page.getByRole("button", { name: `Rotate key for ${names[0]}` })).toBeVisible();
    await expect(page.getByRole("table")).toHaveCount(0);
    await expectNoHorizontalScroll(page);

    const reveal = await rotateAgent(page, names[0]!);
    await expectWithinScreen(reveal, "the reveal");
    const key = await readRevealedKey(page);
    expect(await faucet.whoami(key)).toMatchObject({ success: true });
    await reveal.getByRole("button", { name: "Done" }).click();

    const confirm = await openRowAction(page, names[1]!, "Deactivate");
    await expectWithinScreen(confirm, "the deactivate confirmation");
    await confirm.getByRole("button", { name: "Deactivate" }).click();
    await expect(confirm.getByRole("status")).toBeVisible();
    await confirm.getByRole("button", { name: "Close" }).click();
    expect((await faucet.whoami(agents[1]!.key)).success).toBe(true);

    for (const [index, agent] of agents.slice(0, 2).entries()) {
      const card = agentRow(page, agent.id);
      await card.scrollIntoViewIfNeeded();
      for (const [what, locator] of [
        ["name", card.getByText(agent.name, { exact: true })],
        ["state", card.getByText(index === 1 ? "Inactive" : "Active", { exact: true })],
        ["rotate", card.getByRole("button", { name: `Rotate key for ${agent.name}` })],
        ["more actions", card.getByRole("button", { name: `More actions for ${agent.name}` })],
      ] as const) {
        const box = await locator.boundingBox();
        expect(box, `${agent.name}: ${what}`).not.toBeNull();
        expect(box!.x + box!.width, `${agent.name}: ${what} right edge`).toBeLessThanOrEqual(WIDTH);
      }
    }
    await expect(agentRow(page, agents[0]!.id).getByRole("timer")).toBeVisible();
    await expectNoHorizontalScroll(page);
  });

  await test.step("the new dialogs and the menu fit a phone and have no axe violations", async () => {
    await expect(page.getByRole("button", { name: `More actions for ${name}` })).toBeVisible();
    await expectNoAxeViolations(page, "the agents cards");

    await page.getByRole("button", { name: `More actions for ${name}` }).click();
    const menu = page.getByRole("menu");
    await expect(menu).toBeVisible();
    await expectWithinScreen(menu, "the menu");
    await expectNoAxeViolations(page, "the row actions menu");
    await page.keyboard.press("Escape");

    for (const [item, fill] of [
      ["Deactivate", null],
      ["Edit budget", ["Budget (sats)", "-3"]],
      ["Sweep balance", null],
      ["Fund agent", ["Amount (sats)", "x"]],
      ["Delete agent", ["Agent name", "nope"]],
    ] as const) {
      const dialog = await openRowAction(page, name, item);
      await expect(dialog).toBeVisible();
      await expectWithinScreen(dialog, item);
      await expectNoAxeViolations(page, `the ${item} dialog`);
      if (fill) {
        // With a field error showing, too.
        await dialog.getByLabel(fill[0]).fill(fill[1]);
        await dialog.locator("form").evaluate((form: HTMLFormElement) => form.requestSubmit());
        await expect(dialog.getByLabel(fill[0])).toHaveAttribute("aria-invalid", "true");
        await expectNoAxeViolations(page, `the ${item} dialog with an error`);
      }
      await page.keyboard.press("Escape");
      await expect(dialog).toBeHidden();
    }

    await page.getByRole("button", { name: "New agent" }).click();
    const create = page.getByRole("dialog", { name: "New agent" });
    await expectWithinScreen(create, "the create dialog");
    await expectNoAxeViolations(page, "the create dialog");
    await create.getByRole("button", { name: "Create agent" }).click();
    await expect(create.getByText("Enter a name.")).toBeVisible();
    await expectNoAxeViolations(page, "the create dialog with an error");
    await create.getByLabel("Name").fill("Axe Created Bot");
    await create.getByRole("button", { name: "Create agent" }).click();
    const reveal = page.getByRole("dialog", { name: "New API key for Axe Created Bot" });
    await expect(reveal).toBeVisible();
    await expectWithinScreen(reveal, "the created agent's reveal");
    await expectNoAxeViolations(page, "the created agent's reveal");
    await readRevealedKey(page);
    await reveal.getByRole("button", { name: "Done" }).click();

    await page.getByRole("button", { name: `More actions for ${name}` }).click();
    await page.getByRole("menuitem", { name: "Details" }).click();
    await expect(page.getByRole("heading", { name })).toBeVisible();
    // A client-side navigation sets the new title after the content (Next streams metadata).
    await expect(page).toHaveTitle("Agent details · Faucet Console");
    await expectNoAxeViolations(page, "the details page");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(WIDTH);
  });
});
