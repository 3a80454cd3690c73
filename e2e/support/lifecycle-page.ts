import { expect, type Page } from "@playwright/test";

/** Opens an agent's "More actions" menu from the keyboard and picks an item; returns the dialog it opens. */
export async function openRowAction(page: Page, agentName: string, item: string) {
  const trigger = page.getByRole("button", { name: `More actions for ${agentName}` });
  await trigger.focus();
  await page.keyboard.press("Enter");
  const menu = page.getByRole("menu");
  await expect(menu).toBeVisible();
  await menu.getByRole("menuitem", { name: item, exact: true }).click();
  return page.getByRole("alertdialog");
}

/** The state badge in an agent's row. */
export function agentRow(page: Page, agentId: number) {
  return page.locator(`[data-agent-id="${agentId}"]`);
}
