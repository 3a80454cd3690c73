import { expect, test } from "@playwright/test";
import { readRevealedKey, rotateAgent } from "./support/console-page";
import { signInFreshOperator } from "./support/signed-in-operator";
import { expectNoAxeViolations } from "./support/axe";

test("the sign-in page has no axe violations, also when showing an error", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByLabel("Operator API key")).toBeVisible();
  await expectNoAxeViolations(page, "the sign-in page");

  await page.getByLabel("Operator API key").fill(`lf_${"0".repeat(32)}`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByLabel("Operator API key")).toHaveAttribute("aria-invalid", "true");
  await expectNoAxeViolations(page, "the sign-in page with an error");
});

// One operator, one sign-in: the dialogs' case rotates the second agent, so the first case's timer
// stays the only one on the page.
test("the agents page (also with a live timer and a fingerprint), the confirmation, the reveal and the close question have no axe violations", async ({
  page,
  request,
  baseURL,
}) => {
  // Two tests merged: their budget is the sum of theirs.
  test.setTimeout(2 * 45_000);
  const { agents } = await signInFreshOperator(page, request, baseURL, "Axe Table Operator", { via: "http" });

  await test.step("the agents page, also with a live timer and a fingerprint", async () => {
    await expect(page.getByRole("rowheader", { name: agents[0]!.name })).toBeVisible();
    await expectNoAxeViolations(page, "the agents page");

    const reveal = await rotateAgent(page, agents[0]!.name);
    await readRevealedKey(page);
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("timer")).toBeVisible();
    await expectNoAxeViolations(page, "the agents page with a timer");
  });

  await test.step("the confirmation, the reveal and the close question", async () => {
    await page.getByRole("button", { name: `Rotate key for ${agents[1]!.name}` }).click();
    await expect(page.getByRole("alertdialog")).toBeVisible();
    await expectNoAxeViolations(page, "the confirmation");
    await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();

    const reveal = await rotateAgent(page, agents[1]!.name);
    await expectNoAxeViolations(page, "the reveal");
    await reveal.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("alertdialog", { name: "Close without saving the key?" })).toBeVisible();
    await expectNoAxeViolations(page, "the close question");
  });
});

test("the audit log and an agent's key history have no axe violations", async ({ page, request, baseURL }) => {
  const { agents } = await signInFreshOperator(page, request, baseURL, "Axe Audit Operator", { via: "http" });
  const reveal = await rotateAgent(page, agents[0]!.name);
  await readRevealedKey(page);
  await reveal.getByRole("button", { name: "Done" }).click();
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.locator("tbody tr[data-event-id]")).toHaveCount(2);
  await expect(page).toHaveTitle("Audit log · Faucet Console");
  await expectNoAxeViolations(page, "the audit log");

  await page.goto("/agents");
  await page.getByRole("link", { name: `Key history for ${agents[0]!.name}` }).click();
  await expect(page.getByRole("heading", { name: `Key history for ${agents[0]!.name}` })).toBeVisible();
  // A client-side navigation sets the new title after the content (Next streams metadata).
  await expect(page).toHaveTitle("Key history · Faucet Console");
  await expectNoAxeViolations(page, "the key history");
});

test("the axe check fails on an open dialog with an unlabelled field", async ({ page }) => {
  // Guards the helper itself: a check that finds nothing anywhere would pass every test above.
  await page.setContent(`<!doctype html><html lang="en"><head><title>Broken dialog</title></head><body>
    <main><h1>Agents</h1></main>
    <div role="dialog" aria-modal="true" aria-label="Delete agent"><input type="text" id="unlabelled"></div>
  </body></html>`);
  await expect(expectNoAxeViolations(page, "a broken dialog")).rejects.toThrow("label: #unlabelled");
});
