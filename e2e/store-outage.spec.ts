import { expect, test } from "@playwright/test";
import { Client } from "pg";
import { dataRoot } from "./support/test-servers";
import { readRevealedKey, signInOverHttp } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { createPostgresCluster, type PostgresCluster } from "./support/postgres-cluster";
import { FAUCET_API, SHARED_SECRETS } from "./support/servers";
import { startConsole, type SpawnedConsole } from "./support/spawned-console";

/**
 * The store down: a console on a PostgreSQL of its own, which the test stops and starts.
 * While it is down, sign-in and rotation refuse clearly and make no faucet call; once it is
 * back, the same console works again without a restart.
 */
test.describe.configure({ mode: "serial" });

let cluster: PostgresCluster | undefined;
let console_: SpawnedConsole | undefined;

test.beforeAll(async () => {
  cluster = await createPostgresCluster();
  console_ = await startConsole({
    dataDir: `${dataRoot}/store-outage-console`,
    env: { FAUCET_API_URL: FAUCET_API, DATABASE_URL: cluster.url, FAUCET_TIMEOUT_MS: "3000", ...SHARED_SECRETS },
  });
});
test.afterAll(async () => {
  await console_?.stop();
  cluster?.destroy();
});

const DOWN = /The console's database cannot be reached/;

test("PostgreSQL stopped mid-session: clear refusals and zero faucet calls; recovery once it is back", async ({
  page,
  browser,
  request,
}) => {
  const url = console_!.url;
  const faucet = new FaucetApi(request, FAUCET_API);
  const { operatorKey, operatorId, agents } = await faucet.newOperator("Outage Store Operator", ["Outage Bot"]);
  const control = new OperatorFaucetControl(request, operatorId);
  await signInOverHttp(page, operatorKey, url);
  const before = await control.allCalls();

  cluster!.stop();
  await page.getByRole("button", { name: "Rotate key for Outage Bot" }).click();
  const confirm = page.getByRole("alertdialog");
  await confirm.getByRole("button", { name: "Rotate key" }).click();
  await expect(confirm.getByRole("alert")).toHaveText(DOWN);

  const stranger = await browser.newPage();
  await stranger.goto(`${url}/`);
  await stranger.getByLabel("Operator API key").fill(operatorKey);
  await stranger.getByRole("button", { name: "Sign in" }).click();
  await expect(stranger.getByRole("alert").filter({ hasText: DOWN })).toBeVisible();
  await stranger.close();

  expect(await control.calls("regenerate_agent_key")).toBe(before.regenerate_agent_key ?? 0);
  expect(await control.calls("whoami")).toBe(before.whoami ?? 0);

  cluster!.start();
  await confirm.getByRole("button", { name: "Rotate key" }).click();
  await expect(page.getByRole("dialog", { name: "New API key for Outage Bot" })).toBeVisible();
  const key = await readRevealedKey(page);
  expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: agents[0]!.id });
  expect(await control.calls("regenerate_agent_key")).toBe((before.regenerate_agent_key ?? 0) + 1);

  // Nothing was half-written: the one rotation that happened is the one on record.
  const client = new Client({ connectionString: cluster!.url });
  await client.connect();
  try {
    const { rows } = await client.query("select status from key_rotations where operator_id = $1", [operatorId]);
    expect(rows).toEqual([{ status: "committed" }]);
  } finally {
    await client.end();
  }
});
