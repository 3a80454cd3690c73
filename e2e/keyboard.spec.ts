import { expect, test, type Locator, type Page } from "@playwright/test";
import { signInFreshOperator } from "./support/signed-in-operator";

/** Presses Tab until `target` has the focus, as a keyboard user would; fails after `limit` presses. */
async function tabTo(page: Page, target: Locator, limit = 25) {
  for (let presses = 0; presses < limit; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return;
    await page.keyboard.press("Tab");
  }
  await expect(target).toBeFocused();
}

test("the whole agent rotation works from the keyboard alone", async ({ page, context, request, baseURL }) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { faucet, agents } = await signInFreshOperator(page, request, baseURL, "Keyboard Operator", {
    via: "http",
    agentNames: ["Alpha Bot", "Keyed Bot"],
  });
  const agent = agents[1]!;
  const rowButton = page.getByRole("button", { name: `Rotate key for ${agent.name}` });
  await expect(rowButton).toBeVisible();

  await tabTo(page, rowButton);
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("alertdialog", { name: `Rotate key for ${agent.name}?` });
  // The safe choice has the focus first.
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await tabTo(page, confirm.getByRole("button", { name: "Rotate key" }), 3);
  await page.keyboard.press("Enter");

  const reveal = page.getByRole("dialog", { name: `New API key for ${agent.name}` });
  await expect(reveal.getByRole("button", { name: "Copy key" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(reveal.getByRole("status")).toHaveText("Copied to the clipboard.");
  await tabTo(page, reveal.getByRole("button", { name: "Done" }), 4);
  await page.keyboard.press("Enter");
  await expect(reveal).toBeHidden();

  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(await faucet.whoami(copied)).toMatchObject({ success: true, type: "agent", id: agent.id });
  await expect(
    page
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader", { name: agent.name }) })
      .getByRole("timer"),
  ).toBeVisible();
  // Focus goes back where the flow started, so the keyboard user is not dropped at the top of the page.
  await expect(rowButton).toBeFocused();
});
