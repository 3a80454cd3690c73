import { expect, test } from "@playwright/test";
import { readRevealedKey, rotateAgent } from "./support/console-page";
import { signInFreshOperator } from "./support/signed-in-operator";

// One operator for both: the agent rotation runs on the session the operator-key rotation moved to the new key.
test("rotating the operator key states the 60-minute lock, reveals the key once and keeps the operator signed in on it; after an agent rotation the session still acts as the operator", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { faucet, operatorKey, operatorId, agents } = await signInFreshOperator(
    page,
    request,
    baseURL,
    "Rotating Operator",
    { via: "http" },
  );

  await page.getByRole("button", { name: "Rotate operator key" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Rotate the operator key?" });
  await expect(confirm).toContainText("Your current operator key stops working immediately");
  await expect(confirm).toContainText("withdrawals are locked for 60 minutes");
  await confirm.getByRole("button", { name: "Rotate key" }).click();

  const reveal = page.getByRole("dialog", { name: "New operator API key" });
  await reveal.getByRole("button", { name: "Copy key" }).click();
  await expect(reveal.getByRole("status")).toHaveText("Copied to the clipboard.");
  const newKey = await page.evaluate(() => navigator.clipboard.readText());
  expect(newKey).toMatch(/^lf_[0-9a-f]{32}$/);
  expect(newKey).not.toBe(operatorKey);
  await reveal.getByRole("button", { name: "Done" }).click();
  await expect(reveal).toBeHidden();

  expect((await faucet.whoami(operatorKey)).error_code).toBe("invalid_key");
  expect(await faucet.whoami(newKey)).toMatchObject({ success: true, type: "operator", id: operatorId });

  // The session moved to the new key: a reload still loads the operator and every agent.
  await page.reload();
  await expect(page).toHaveURL(/\/agents/);
  await expect(page.getByRole("heading", { level: 1, name: "Rotating Operator" })).toBeVisible();
  for (const agent of agents) await expect(page.getByRole("rowheader", { name: agent.name })).toBeVisible();
  await expect(page.getByText(`Key lf_…${newKey.slice(-4)}`)).toBeVisible();
  await expect(page.getByRole("timer")).toHaveText(/^Withdrawals locked (1:00:00|59:[0-5]\d)$/);

  await test.step("after an agent rotation the session still acts as the operator", async () => {
    const agent = agents[0]!;
    const agentReveal = await rotateAgent(page, agent.name);
    const agentKey = await readRevealedKey(page);
    await agentReveal.getByRole("button", { name: "Done" }).click();
    await expect(agentReveal).toBeHidden();

    // An agent's key cannot list agents: the list loading after a reload proves the session kept the operator key.
    await page.reload();
    await expect(page.getByRole("heading", { level: 1, name: "Rotating Operator" })).toBeVisible();
    for (const each of agents) await expect(page.getByRole("rowheader", { name: each.name })).toBeVisible();
    await expect(page.getByRole("button", { name: "Rotate operator key" })).toBeVisible();
    expect(await faucet.whoami(newKey)).toMatchObject({ success: true, type: "operator" });
    expect(await faucet.whoami(agentKey)).toMatchObject({ success: true, type: "agent", id: agent.id });
  });
});
