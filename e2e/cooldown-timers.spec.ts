import { expect, test } from "@playwright/test";
import { readRevealedKey, rotateAgent, signInOverHttp } from "./support/console-page";
import { consoleUrl, faucetOf, signInFreshOperator } from "./support/signed-in-operator";
import { installTimeTravel } from "./support/time-travel";

const AGENT_COOLDOWN_MS = 30 * 60_000;

test("an agent's timer counts down with a progress bar and disappears when 30 minutes have passed", async ({
  page,
  request,
  baseURL,
}) => {
  const clock = await installTimeTravel(page);
  const { agents } = await signInFreshOperator(page, request, baseURL, "Timer Operator", {
    via: "http",
    agentNames: ["Timed Bot", "Idle Bot"],
  });
  const reveal = await rotateAgent(page, agents[0]!.name);
  await readRevealedKey(page);
  await reveal.getByRole("button", { name: "Done" }).click();

  const row = page.getByRole("row").filter({ has: page.getByRole("rowheader", { name: "Timed Bot" }) });
  const timer = row.getByRole("timer");
  await expect(timer).toHaveText(/^Withdrawals locked (30:00|29:[0-5]\d)$/);
  const before = (await timer.textContent()) ?? "";
  // The bar is decoration (aria-hidden), so it is found by its markup; full at the start.
  const bar = timer.locator('[aria-hidden="true"] > span');
  await expect(bar).toHaveAttribute("style", /scaleX\((1|0\.99\d*)\)/);
  await expect(page.getByRole("row").filter({ hasText: "Idle Bot" }).getByRole("timer")).toHaveCount(0);

  await clock.runFor(65_000);
  await expect(timer).not.toHaveText(before);
  await expect(timer).toHaveText(/^Withdrawals locked 2[89]:[0-5]\d$/);
  await expect(bar).toHaveAttribute("style", /scaleX\(0\.9[5-7]\d*\)/);

  await clock.fastForward(AGENT_COOLDOWN_MS);
  await expect(timer).toHaveCount(0);
  // A refetch in the meantime (due timers fire once on a jump) must not bring it back.
  await clock.runFor(31_000);
  await expect(row.getByRole("rowheader")).toHaveText("Timed Bot");
  await expect(page.getByRole("timer")).toHaveCount(0);
});

test("a second tab catches up with a rotation when it gets focus, without a reload", async ({
  context,
  request,
  baseURL,
}) => {
  const { operatorKey, agents } = await faucetOf(request, consoleUrl(baseURL)).newOperator("Two-tab Operator", [
    "Shared Bot",
  ]);
  const first = await context.newPage();
  await signInOverHttp(first, operatorKey, consoleUrl(baseURL));
  const second = await context.newPage();
  await second.goto("/agents");
  const secondRow = second.getByRole("row").filter({ has: second.getByRole("rowheader", { name: "Shared Bot" }) });
  await expect(secondRow).toBeVisible();
  await expect(secondRow.getByRole("timer")).toHaveCount(0);

  await first.bringToFront();
  const reveal = await rotateAgent(first, agents[0]!.name);
  const key = await readRevealedKey(first);
  await reveal.getByRole("button", { name: "Done" }).click();

  await second.bringToFront();
  // What a browser fires when a tab comes back to the front (headless tabs all count as visible already).
  await second.evaluate(() => {
    window.dispatchEvent(new Event("focus"));
    document.dispatchEvent(new Event("visibilitychange", { bubbles: true }));
  });
  await expect(secondRow.getByRole("timer")).toHaveText(/^Withdrawals locked (30:00|29:[0-5]\d)$/);
  await expect(secondRow).toContainText(`agent_…${key.slice(-4)}`);
});
