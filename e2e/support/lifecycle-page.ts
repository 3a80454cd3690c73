import { expect, type Page } from "@playwright/test";

/** Opens an agent's "More actions" menu from the keyboard and picks an item; returns the dialog it opens. */
export async function openRowAction(page: Page, agentName: string, item: string) {
  const trigger = page.getByRole("button", { name: `More actions for ${agentName}` });
  const menu = page.getByRole("menu");
  // Once in CI (a loaded 2-core machine) the menu closed between opening and the click, just after
  // a dialog had closed, and the click waited for it to the test's timeout: open it again then.
  await expect(async () => {
    if (!(await menu.isVisible())) {
      await trigger.focus();
      await page.keyboard.press("Enter");
    }
    await expect(menu).toBeVisible({ timeout: 5_000 });
    await menu.getByRole("menuitem", { name: item, exact: true }).click({ timeout: 5_000 });
  }).toPass({ timeout: 30_000 });
  return page.getByRole("alertdialog");
}

/** The state badge in an agent's row. */
export function agentRow(page: Page, agentId: number) {
  return page.locator(`[data-agent-id="${agentId}"]`);
}
