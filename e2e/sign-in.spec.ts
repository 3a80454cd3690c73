import { expect, test, type Page } from "@playwright/test";
import { consoleUrl, faucetOf, signInFreshOperator } from "./support/signed-in-operator";
import { SESSION_COOKIE } from "./support/session-cookie";

/** Submits a key and stays on the sign-in page (for the refusals). */
async function submitKey(page: Page, key: string) {
  await page.goto("/");
  await page.getByLabel("Operator API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("an operator key signs in and lands on /agents with the operator and every agent", async ({
  page,
  request,
  baseURL,
}) => {
  const { operatorId, agents } = await signInFreshOperator(page, request, baseURL, "Sign-in Operator", {
    via: "form",
    agentNames: ["Alpha Bot", "Beta Bot", "Gamma Bot"],
  });

  await expect(page.getByRole("heading", { level: 1, name: "Sign-in Operator" })).toBeVisible();
  // New operators start with 10,000 sats on the emulator; agents with none.
  await expect(page.getByText(`Operator #${operatorId} · Balance 10,000 sats`)).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "agents" })).toHaveText("3 agents");
  for (const agent of agents) {
    const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: agent.name, exact: true }) });
    const cells = row.getByRole("cell");
    // The first cell is incident mode's "Select {name}" checkbox.
    await expect(cells.nth(0).getByRole("checkbox", { name: `Select ${agent.name}` })).toBeVisible();
    await expect(cells.nth(1)).toHaveText(String(agent.id));
    await expect(cells.nth(2)).toHaveText("0 sats");
    await expect(cells.nth(3)).toHaveText("Active");
    await expect(row.getByRole("button", { name: `Rotate key for ${agent.name}` })).toBeVisible();
  }
});

test("an agent key is refused with a message to use the operator key", async ({ page, request, baseURL }) => {
  const { agents } = await faucetOf(request, consoleUrl(baseURL)).newOperator("Agent-key Operator", ["Refused Bot"]);
  await submitKey(page, agents[0]!.key);

  await expect(page.getByLabel("Operator API key")).toHaveAccessibleDescription(
    /key of agent “Refused Bot”\. Sign in with the operator key/,
  );
  await expect(page.getByLabel("Operator API key")).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL(/\/$/);
  expect((await page.context().cookies()).find((cookie) => cookie.name === SESSION_COOKIE)?.value ?? "").toBe("");
});

test("an unknown key is refused clearly", async ({ page }) => {
  await submitKey(page, `lf_${"0".repeat(32)}`);

  await expect(page.getByLabel("Operator API key")).toHaveAccessibleDescription(/The faucet does not know this key/);
  await expect(page).toHaveURL(/\/$/);
});

test('"Use demo operator" signs in as the demo operator', async ({ page }) => {
  // The demo operator is shared by every test of the run: this test only reads.
  await page.goto("/");
  await page.getByRole("button", { name: "Use demo operator" }).click();

  await expect(page).toHaveURL(/\/agents/);
  await expect(page.getByRole("heading", { level: 1, name: "Demo Operator" })).toBeVisible();
  await expect(page.getByRole("rowheader", { name: "Research Assistant" })).toBeVisible();
});

test("the session cookie is HttpOnly, SameSite, expiring, and does not contain the key", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  const { operatorKey } = await signInFreshOperator(page, request, baseURL, "Cookie Operator", { via: "form" });

  const cookie = (await context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE);
  expect(cookie).toBeDefined();
  expect(cookie!.httpOnly).toBe(true);
  expect(cookie!.sameSite).toBe("Lax");
  expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000);
  expect(cookie!.value).not.toContain(operatorKey);
  expect(cookie!.value).not.toContain(operatorKey.slice(3));
  expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
});
