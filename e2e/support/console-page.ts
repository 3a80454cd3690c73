import { expect, type Page } from "@playwright/test";

/** Signs in through the form, as an operator would. */
export async function signIn(page: Page, operatorKey: string, baseUrl = "") {
  await page.goto(`${baseUrl}/`);
  await page.getByLabel("Operator API key").fill(operatorKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/agents/);
}

/** Opens the confirmation for an agent and confirms it; returns the reveal dialog. */
export async function rotateAgent(page: Page, agentName: string) {
  await page.getByRole("button", { name: `Rotate key for ${agentName}` }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText("30 minutes");
  await confirm.getByRole("button", { name: "Rotate key" }).click();
  const reveal = page.getByRole("dialog", { name: `New API key for ${agentName}` });
  await expect(reveal).toBeVisible();
  return reveal;
}

/** Shows the key in an open reveal dialog and reads it. */
export async function readRevealedKey(page: Page): Promise<string> {
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("button", { name: "Show key" }).click();
  const key = (await dialog.getByLabel("New API key", { exact: true }).textContent())?.trim() ?? "";
  expect(key).toMatch(/^(agent|lf)_[0-9a-f]{32}$/);
  return key;
}
