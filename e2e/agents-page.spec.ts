import { expect, test } from "@playwright/test";
import { signInFreshOperator } from "./support/signed-in-operator";
import { SESSION_COOKIE } from "./support/session-cookie";

// One operator for both: the empty state needs no agents, and signing out needs none either.
test("an operator without agents sees the empty state; Sign out ends the session: no session cookie remains and /agents sends back to sign-in", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  const { faucet, operatorKey } = await signInFreshOperator(page, request, baseURL, "Lonely Operator", {
    via: "http",
    agentNames: [],
  });

  await test.step("an operator without agents sees the empty state", async () => {
    await expect(page.getByRole("heading", { level: 1, name: "Lonely Operator" })).toBeVisible();
    await expect(page.getByText("This operator has no agents yet.")).toBeVisible();
    await expect(page.getByRole("status").filter({ hasText: "agents" })).toHaveText("0 agents");
    await expect(page.getByRole("table")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Rotate operator key" })).toBeVisible();
    // First run: the next step is offered where the table would be, and opens the create dialog.
    await page.getByRole("button", { name: "Create your first agent" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(page.getByRole("dialog")).toHaveCount(0);
  });

  await test.step("Sign out ends the session: no session cookie remains and /agents sends back to sign-in", async () => {
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page.getByLabel("Operator API key")).toBeVisible();
    await expect(page).toHaveURL(/\/$/);
    const session = (await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE);
    expect(session?.value ?? "").toBe("");

    await page.goto("/agents");
    await expect(page).toHaveURL(/\/\?reason=signed_out$/);
    await expect(page.getByRole("status")).toHaveText("Your session has ended. Sign in again.");
    // Signing out forgets the key in this browser only; the key itself still works.
    expect(await faucet.whoami(operatorKey)).toMatchObject({ success: true, type: "operator" });
  });
});
