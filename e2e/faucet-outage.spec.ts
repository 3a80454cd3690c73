import { expect, test, type APIRequestContext } from "@playwright/test";
import { openSessionOverHttp } from "./support/console-page";
import { FaucetApi, FaucetControl } from "./support/faucet-api";
import { FAUCET_API, SERVERS } from "./support/servers";

/**
 * Console A runs on the stand-alone test faucet. Every fault here is scoped to the test's
 * own operator (`operatorIds`) and to the actions under test, so tests running in parallel
 * on the same faucet never catch each other's faults; each test clears its own after.
 */
const CONSOLE = SERVERS.remoteA.url;

type Outage = {
  operatorKey: string;
  setFaults: (faults: Record<string, unknown>) => Promise<void>;
  clearFaults: () => Promise<void>;
};
let outage: Outage | undefined;

async function operatorWithFaults(request: APIRequestContext, name: string): Promise<Outage> {
  const { operatorKey, operatorId } = await new FaucetApi(request, FAUCET_API).newOperator(name, ["Outage Bot"]);
  const control = new FaucetControl(request, SERVERS.faucet.url);
  outage = {
    operatorKey,
    setFaults: (faults) => control.setFaults({ ...faults, operatorIds: [operatorId] }),
    clearFaults: () => control.setFaults({ operatorIds: [operatorId] }),
  };
  return outage;
}

test.afterEach(async () => {
  await outage?.clearFaults();
  outage = undefined;
});

// A sign-in slower than FAUCET_TIMEOUT_MS ("The faucet did not answer within 3 s. Your key was not
// checked; …", after one call) is e2e/faults.spec.ts's, word for word and with its call count.
test("sign-in reports a faucet answering 502 as unreachable, and works once it is back", async ({ page, request }) => {
  const { operatorKey, setFaults } = await operatorWithFaults(request, "Outage Operator");
  await page.goto(`${CONSOLE}/`);

  await setFaults({ failWithStatus: 502, actions: ["whoami"], times: 1 });
  await page.getByLabel("Operator API key").fill(operatorKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    /The faucet failed \(HTTP 502\)\. .*Your key was not checked/,
  );
  await expect(page).toHaveURL(`${CONSOLE}/`);

  // The fault was for one call only: the same key now signs in.
  await page.getByLabel("Operator API key").fill(operatorKey);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/agents/);
});

test("a slow agents list shows the loading skeleton, then the rows; a failing one shows an error state whose Retry loads the rows; a later failure marks the data stale", async ({
  page,
  request,
}) => {
  const { operatorKey, setFaults, clearFaults } = await operatorWithFaults(request, "Skeleton Operator");
  await openSessionOverHttp(page, operatorKey, CONSOLE);

  await test.step("a slow agents list shows the loading skeleton, then the rows", async () => {
    await setFaults({ latencyMs: 1_500, actions: ["list_agents"], times: 1 });
    // "commit": the streamed skeleton must be seen before the page finishes loading.
    await page.goto(`${CONSOLE}/agents`, { waitUntil: "commit" });
    await expect(page.getByRole("status", { name: "Loading agents" })).toBeVisible();
    await expect(page.getByRole("rowheader", { name: "Outage Bot" })).toBeVisible();
    await expect(page.getByRole("status", { name: "Loading agents" })).toBeHidden();
  });

  await test.step("a failing agents list shows an error state whose Retry loads the rows", async () => {
    // Installed before the page below loads, as the first thing it runs.
    await page.clock.install();
    await setFaults({ failWithStatus: 502, actions: ["list_agents"] });

    await page.goto(`${CONSOLE}/agents`);
    const failure = page.getByRole("alert").filter({ hasText: "The agents could not be loaded" });
    await expect(failure).toContainText("The faucet failed (HTTP 502).");
    // With time frozen no automatic refetch can fire: a request leaving on the click is Retry's.
    // (Far enough ahead that a loaded machine cannot pass it before the pause lands.)
    await page.clock.pauseAt(await page.evaluate(() => Date.now() + 1_000));
    await clearFaults();
    await Promise.all([
      page.waitForRequest(/\/api\/agents\?/, { timeout: 2_000 }),
      failure.getByRole("button", { name: "Retry" }).click(),
    ]);
    // react-query delivers results on timers: let time flow again.
    await page.clock.resume();
    await expect(page.getByRole("rowheader", { name: "Outage Bot" })).toBeVisible();
    await expect(failure).toBeHidden();
  });

  await test.step("a refetch that fails keeps the rows on screen, marked stale, and recovers by itself", async () => {
    await setFaults({ failWithStatus: 502, actions: ["list_agents"] });
    const stale = page.getByRole("status").filter({ hasText: /^Stale data:/ });
    // The 30-s refetch (and react-query's one retry a second later) go over the real network
    // between jumps of the fake clock; when exactly the interval last restarted is not ours to know.
    await expect(async () => {
      await page.clock.runFor(30_000);
      await expect(stale).toBeVisible({ timeout: 1_500 });
    }).toPass({ intervals: [0] });
    await expect(stale).toContainText("The faucet failed (HTTP 502).");
    await expect(page.getByRole("rowheader", { name: "Outage Bot" })).toBeVisible();
    await clearFaults();
    // While failing, the list looks again every 5 s.
    await expect(async () => {
      await page.clock.runFor(5_000);
      await expect(stale).toBeHidden({ timeout: 1_000 });
    }).toPass({ intervals: [0] });
  });
});
