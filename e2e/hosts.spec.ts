import { readFileSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import {
  agentKeyIn,
  enrol,
  makeEnrolmentLink,
  OPERATOR_ENTRY,
  RECEIVER,
  receiverEnv,
  run,
  startWatch,
  stop,
  walletHome,
} from "./support/agent-host";
import { browserTraces, captureReplies, signInFreshOperator } from "./support/signed-in-operator";

test.afterEach(async ({ page }) => page.unrouteAll({ behavior: "ignoreErrors" }));

/**
 * Rotation with nobody in the loop (issue 23): an agent's host enrols once with
 * `receive.mjs enrol`, runs `receive.mjs watch`, and every rotation of that agent lands in its
 * credentials.json within seconds, sealed to the host, without the key reaching the page.
 */
test("enrol a host, watch, rotate from the row: credentials.json holds a working key within 15 s and no key reached the page", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const { faucet, agents } = await signInFreshOperator(page, request, baseURL, "Host Operator", {
    agentNames: ["Host Bot"],
  });
  const agent = agents[0]!;
  const { bodies } = await captureReplies(page, { postsOnly: true });
  const home = walletHome();
  const link = await makeEnrolmentLink(page, agent.name);
  const host = await enrol(link, home);
  // The link works once.
  await expect(run(process.execPath, [RECEIVER, "enrol", link], { env: receiverEnv(home) })).rejects.toThrow(
    /already used/,
  );
  const watcher = startWatch(home, ["--interval", "1", "--then", "echo restarted-agent"]);
  try {
    await page.reload();
    await expect(page.getByText(`Host connected: ${host.name}`)).toBeVisible();

    await page.getByRole("button", { name: `Rotate key for ${agent.name}` }).click();
    const confirm = page.getByRole("alertdialog");
    await expect(confirm.getByRole("checkbox", { name: /Show key anyway/ })).not.toBeChecked();
    const started = Date.now();
    await confirm.getByRole("button", { name: "Rotate key" }).click();
    const reveal = page.getByRole("dialog", { name: `Delivered to ${host.name}` });
    await expect(reveal).toBeVisible();
    await expect(reveal.getByRole("button", { name: "Show key" })).toHaveCount(0);

    await expect.poll(() => agentKeyIn(home), { timeout: 15_000, intervals: [100] }).toMatch(/^agent_/);
    const key = agentKeyIn(home)!;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: agent.id });
    expect(await faucet.whoami(agent.key)).toMatchObject({ error_code: "invalid_key" });
    const credentials = JSON.parse(readFileSync(path.join(home, "credentials.json"), "utf8"));
    expect(credentials).toMatchObject({
      version: 1,
      active: "agent",
      operator: OPERATOR_ENTRY,
      agent: { id: agent.id },
    });
    expect(statSync(path.join(home, "credentials.json")).mode & 0o777).toBe(0o600);
    await expect.poll(watcher.output).toContain("restarted-agent");
    expect(watcher.output()).toContain("received a new key of Host Bot");
    expect(watcher.output()).not.toContain(key);

    await reveal.getByRole("button", { name: "Done" }).click();
    for (const [place, text] of Object.entries(await browserTraces(page, context)))
      expect(text.includes(key), `key found in ${place}`).toBe(false);
    await expect.poll(() => bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(body).not.toContain(key.slice(6));

    // Disconnect: the host gets nothing more, and watch says so and stops.
    await page.getByRole("button", { name: `More actions for ${agent.name}` }).click();
    await page.getByRole("menuitem", { name: "Disconnect host" }).click();
    const dialog = page.getByRole("alertdialog", { name: `Disconnect the host of ${agent.name}?` });
    await dialog.getByRole("button", { name: "Disconnect host" }).click();
    await expect(dialog.getByRole("status")).toContainText("is disconnected");
    await expect.poll(() => watcher.child.exitCode, { timeout: 10_000 }).toBe(1);
    expect(watcher.output()).toContain("disconnected this host");
  } finally {
    await stop(watcher.child);
    rmSync(home, { recursive: true, force: true });
  }
});

test("incident mode: Connect agent hosts makes one single-use enrolment link per selected agent, shown once as .env lines, and a link enrols its agent's host", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  test.setTimeout(60_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const { agents } = await signInFreshOperator(page, request, baseURL, "Enrol All Operator", {
    agentNames: ["Enrol Bot A", "Enrol Bot B", "Enrol Bot C"],
  });
  const [first, second] = agents as [(typeof agents)[0], (typeof agents)[0]];
  for (const agent of [first, second]) await page.getByRole("checkbox", { name: `Select ${agent.name}` }).check();
  await page.getByRole("button", { name: "Connect agent hosts" }).click();
  const confirm = page.getByRole("alertdialog", { name: "Connect hosts for 2 agents?" });
  await confirm.getByRole("button", { name: "Make 2 enrolment links" }).click();

  const sheet = page.getByRole("dialog", { name: "Enrolment links" });
  await expect(sheet).toBeVisible({ timeout: 30_000 });
  await expect(sheet.getByRole("button", { name: "Show keys" })).toHaveCount(0);
  await sheet.getByRole("button", { name: "Copy as .env" }).click();
  await expect(sheet.getByRole("status")).toHaveText("Copied 2 links as .env lines.");
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const links = new Map(
    copied
      .trim()
      .split("\n")
      .map((line) => {
        const match = /^AGENT_(\d+)_ENROL_URL=(http:\/\/\S+\/hosts\/enrol\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43})$/.exec(
          line,
        );
        expect(match, `a .env line: ${line}`).not.toBeNull();
        return [Number(match![1]), match![2]!] as const;
      }),
  );
  expect([...links.keys()].sort((a, b) => a - b)).toEqual([first.id, second.id].sort((a, b) => a - b));
  await sheet.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("region", { name: "Bulk run result" })).toContainText("2 enrolment links made.");

  const home = walletHome();
  try {
    const link = links.get(second.id)!;
    const host = await enrol(link, home);
    await expect(run(process.execPath, [RECEIVER, "enrol", link], { env: receiverEnv(home) })).rejects.toThrow(
      /already used/,
    );
    await page.reload();
    await expect(page.getByRole("row").filter({ hasText: second.name })).toContainText(`Host connected: ${host.name}`);
    await expect(page.getByText(`Host connected: ${host.name}`)).toHaveCount(1);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
