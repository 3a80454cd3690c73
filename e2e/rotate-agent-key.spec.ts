import { expect, test } from "@playwright/test";
import { readRevealedKey, rotateAgent, signInOverHttp } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { consoleUrl } from "./support/signed-in-operator";

test("rotating an agent key shows the new key once; the faucet refuses the old key and accepts the copied one", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const faucet = new FaucetApi(request, `${baseURL}/ai-agents/api`);
  const { operatorKey, agents } = await faucet.newOperator("Rotation Operator");
  const agent = agents[0]!;
  await signInOverHttp(page, operatorKey, consoleUrl(baseURL));

  const reveal = await rotateAgent(page, agent.name);
  await reveal.getByRole("button", { name: "Copy key" }).click();
  await expect(reveal.getByRole("status")).toHaveText("Copied to the clipboard.");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toMatch(/^agent_[0-9a-f]{32}$/);
  expect(await readRevealedKey(page)).toBe(copied);
  await reveal.getByRole("button", { name: "Done" }).click();
  await expect(reveal).toBeHidden();

  expect((await faucet.whoami(agent.key)).error_code).toBe("invalid_key");
  const accepted = await faucet.whoami(copied);
  expect(accepted).toMatchObject({ success: true, type: "agent", id: agent.id });

  const row = page.getByRole("row", { name: new RegExp(agent.name) });
  await expect(row.getByRole("timer")).toHaveText(/Withdrawals locked (29|30):\d\d/);
  await expect(row).toContainText(`agent_…${copied.slice(-4)}`);
});
