import { expect, test, type Page } from "@playwright/test";
import { consoleUrl, faucetOf } from "./support/signed-in-operator";
import { SESSION_COOKIE } from "./support/session-cookie";

/** Submits a key on the sign-in page already open (for the refusals, which stay on it). */
async function submitKey(page: Page, key: string) {
  await page.getByLabel("Operator API key").fill(key);
  await page.getByRole("button", { name: "Sign in" }).click();
}

// One sign-in page for the refusals and then the sign-in: each refusal leaves the form where it was.
test("an unknown key is refused clearly; an agent key is refused with a message to use the operator key; an operator key signs in and lands on /agents with the operator and every agent; the session cookie is HttpOnly, SameSite, expiring, and does not contain the key", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  const faucet = faucetOf(request, consoleUrl(baseURL));
  const { agents: refusedAgents } = await faucet.newOperator("Agent-key Operator", ["Refused Bot"]);
  const { operatorKey, operatorId, agents } = await faucet.newOperator("Sign-in Operator", [
    "Alpha Bot",
    "Beta Bot",
    "Gamma Bot",
  ]);
  await page.goto("/");

  await test.step("an unknown key is refused clearly", async () => {
    await submitKey(page, `lf_${"0".repeat(32)}`);

    await expect(page.getByLabel("Operator API key")).toHaveAccessibleDescription(/The faucet does not know this key/);
    await expect(page).toHaveURL(/\/$/);
  });

  await test.step("an agent key is refused with a message to use the operator key", async () => {
    await submitKey(page, refusedAgents[0]!.key);

    await expect(page.getByLabel("Operator API key")).toHaveAccessibleDescription(
      /key of agent “Refused Bot”\. Sign in with the operator key/,
    );
    await expect(page.getByLabel("Operator API key")).toHaveAttribute("aria-invalid", "true");
    await expect(page).toHaveURL(/\/$/);
    expect((await context.cookies()).find((cookie) => cookie.name === SESSION_COOKIE)?.value ?? "").toBe("");
  });

  await test.step("an operator key signs in and lands on /agents with the operator and every agent", async () => {
    await submitKey(page, operatorKey);
    await expect(page).toHaveURL(/\/agents/);

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

  await test.step("the session cookie is HttpOnly, SameSite, expiring, and does not contain the key", async () => {
    const cookie = (await context.cookies()).find((candidate) => candidate.name === SESSION_COOKIE);
    expect(cookie).toBeDefined();
    expect(cookie!.httpOnly).toBe(true);
    expect(cookie!.sameSite).toBe("Lax");
    expect(cookie!.expires).toBeGreaterThan(Date.now() / 1000);
    expect(cookie!.value).not.toContain(operatorKey);
    expect(cookie!.value).not.toContain(operatorKey.slice(3));
    expect(await page.evaluate(() => document.cookie)).not.toContain(SESSION_COOKIE);
  });
});

test('"Use demo operator" signs in as the demo operator', async ({ page }) => {
  // The demo operator is shared by every test of the run: this test only reads.
  await page.goto("/");
  await page.getByRole("button", { name: "Use demo operator" }).click();

  await expect(page).toHaveURL(/\/agents/);
  await expect(page.getByRole("heading", { level: 1, name: "Demo Operator" })).toBeVisible();
  await expect(page.getByRole("rowheader", { name: "Research Assistant" })).toBeVisible();
});
