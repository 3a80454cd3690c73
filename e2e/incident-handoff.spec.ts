import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { signInOverHttp } from "./support/console-page";
import { FaucetApi, seedOperator } from "./support/faucet-api";
import { findPostgresBinDir } from "./support/postgres-binaries";
import { FAUCET_API, SERVERS } from "./support/servers";

// A background poll (the sheet's watch) the route still holds when a test ends: let it go quietly.
test.afterEach(async ({ page }) => page.unrouteAll({ behavior: "ignoreErrors" }));

/**
 * Incident mode's "Hand off all" (issue 20) on console A, whose store is the shared PostgreSQL:
 * one hand-off per rotated agent, a sheet and a .env of links and no key, each link collected
 * once over HTTP, the replay refused and in the audit log, and a pg_dump of the store holding
 * no key and no token.
 */
const CONSOLE = SERVERS.remoteA.url;
const COUNT = 100;
const LINK = /^AGENT_(\d+)_HANDOFF_URL=(http:\/\/127\.0\.0\.1:\d+\/handoff\/([A-Za-z0-9_-]{22})#([A-Za-z0-9_-]{43}))$/;
const run = promisify(execFile);

type Link = { agentId: number; url: string; id: string; token: string };

function parseLinks(text: string): Link[] {
  return text
    .trim()
    .split("\n")
    .map((line) => {
      const match = LINK.exec(line);
      expect(match, `a .env line: ${line}`).not.toBeNull();
      return { agentId: Number(match![1]), url: match![2]!, id: match![3]!, token: match![4]! };
    });
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The whole store as pg_dump writes it (schema and every row), from the PostgreSQL consoles A and B share. */
async function dumpStore(): Promise<string> {
  const bin = findPostgresBinDir();
  const pgDump = bin ? path.join(bin, "pg_dump") : "pg_dump";
  const { stdout } = await run(pgDump, ["--no-owner", "--dbname", SERVERS.postgres.url], {
    maxBuffer: 512 * 1024 * 1024,
  });
  return stdout;
}

async function sheetSays(page: Page, text: string | RegExp) {
  await expect(page.getByRole("dialog", { name: "Hand-off links" }).getByLabel("Hand-offs of this run")).toContainText(
    text,
    { timeout: 30_000 },
  );
}

test("Hand off all: 100 agents in one run, a .env of 100 links and no key, each link redeems once, the replay is in /audit, and pg_dump holds no key and no token", async ({
  page,
  context,
  request,
}) => {
  test.setTimeout(300_000);
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  const faucet = new FaucetApi(request, FAUCET_API);
  const names = Array.from({ length: COUNT }, (_, index) => `Courier ${String(index + 1).padStart(3, "0")}`);
  const { operatorKey, agents } = await seedOperator(request, "Hand Off All Operator", names);
  await signInOverHttp(page, operatorKey, CONSOLE);

  await page.getByRole("checkbox", { name: `Select all ${COUNT} matching` }).check();
  await page.getByRole("button", { name: "Rotate selected keys" }).click();
  const confirm = page.getByRole("alertdialog", { name: `Rotate ${COUNT} keys?` });
  await confirm.getByRole("checkbox", { name: /Hand off all/ }).check();
  await confirm.getByRole("button", { name: `Rotate ${COUNT} keys` }).click();

  const sheet = page.getByRole("dialog", { name: "Hand-off links" });
  await expect(sheet).toBeVisible({ timeout: 120_000 });
  await expect(sheet.getByRole("button", { name: "Show keys" })).toHaveCount(0);
  await sheetSays(page, `0 of ${COUNT} collected, ${COUNT} waiting, 0 expired.`);

  // "Copy as .env" and "Download .env": the same 100 links, one per agent, and no key.
  await sheet.getByRole("button", { name: "Copy as .env" }).click();
  await expect(sheet.getByRole("status")).toContainText(`Copied ${COUNT} links as .env lines.`);
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const downloading = page.waitForEvent("download");
  await sheet.getByRole("button", { name: "Download .env" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe("agent-handoffs.env");
  const downloaded = readFileSync((await download.path())!, "utf8");
  expect(downloaded).toBe(copied);
  for (const text of [copied, downloaded]) {
    expect(text).not.toMatch(/agent_[0-9a-f]{32}/);
    expect(text).not.toContain("API_KEY");
  }
  const links = parseLinks(copied);
  expect(links).toHaveLength(COUNT);
  expect(links.map((link) => link.agentId).sort((a, b) => a - b)).toEqual(
    agents.map((agent) => agent.id).sort((a, b) => a - b),
  );
  expect(new Set(links.map((link) => link.id)).size).toBe(COUNT);
  // The sheet's own rows hide each token until asked.
  await expect(sheet.locator("tbody")).not.toContainText(links[0]!.token);

  // Each link redeems once over HTTP (timed: redeem p50/p95 on PostgreSQL), and gives a key the faucet accepts.
  const keys: string[] = [];
  const redeems: number[] = [];
  for (const link of links) {
    const started = performance.now();
    const response = await request.post(`${CONSOLE}/api/handoff/${link.id}/redeem`, {
      headers: { authorization: `Bearer ${link.token}` },
    });
    redeems.push(performance.now() - started);
    expect(response.status(), link.url).toBe(200);
    expect(response.headers()["cache-control"]).toBe("no-store");
    const body = (await response.json()) as { api_key: string; agent_id: number };
    expect(body.agent_id).toBe(link.agentId);
    keys.push(body.api_key);
  }
  expect(new Set(keys).size).toBe(COUNT);
  // The faucet's checks all at once, after the timed redeems: a hundred round trips need not wait on each other.
  await Promise.all(
    links.map(async (link, index) =>
      expect(await faucet.whoami(keys[index]!)).toMatchObject({ success: true, type: "agent", id: link.agentId }),
    ),
  );
  for (const link of links) {
    const again = await request.post(`${CONSOLE}/api/handoff/${link.id}/redeem`, {
      headers: { authorization: `Bearer ${link.token}` },
    });
    expect(again.status(), link.url).toBe(410);
    expect(await again.json()).toMatchObject({ ok: false, code: "already_redeemed" });
  }

  // The sheet watched them all to the end (then it stops polling): every link collected.
  await sheetSays(page, `${COUNT} of ${COUNT} collected, 0 waiting, 0 expired.`);
  await expect(sheet.getByTestId("sheet-handoff-state").first()).toHaveText(/^collected/);
  // No key reached the page: not in its DOM, and not in any response it got.
  const html = await page.content();
  for (const key of keys.slice(0, 20)) expect(html).not.toContain(key);
  await sheet.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("region", { name: "Bulk run result" })).toContainText(`${COUNT} rotated`);

  // The replay is in the audit log page too: a refused redeem, "replayed".
  // The header's link: a client-side navigation, not another full page load.
  await page.getByRole("link", { name: "Audit log", exact: true }).click();
  await expect(page).toHaveURL(`${CONSOLE}/audit`);
  const replay = page.getByRole("row").filter({ hasText: "redeem handoff" }).filter({ hasText: "replayed" });
  await expect(replay.first()).toBeVisible({ timeout: 30_000 });

  // The database dump canary: the whole store holds hand-offs, but no key and no token.
  const dump = await dumpStore();
  expect(dump).toContain("handoffs");
  expect(dump).toContain(links[0]!.id);
  for (const key of keys) {
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(key.slice(6, 30));
  }
  for (const { token } of links) {
    expect(dump).not.toContain(token);
    expect(dump).not.toContain(token.slice(0, 20));
  }

  const figures = {
    redeemP50Ms: Math.round(percentile(redeems, 50)),
    redeemP95Ms: Math.round(percentile(redeems, 95)),
  };
  console.log(`hand-off figures (PostgreSQL, ${COUNT} redeems): ${JSON.stringify(figures)}`);
  test.info().annotations.push({ type: "figures", description: JSON.stringify(figures) });
});
