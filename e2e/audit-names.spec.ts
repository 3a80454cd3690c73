import { expect, test, type Page } from "@playwright/test";
import { withDatabase } from "./support/audit-store";
import { readRevealedKey, rotateAgent, signInOverHttp } from "./support/console-page";
import { seedOperator } from "./support/faucet-api";
import { openRowAction } from "./support/lifecycle-page";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { SERVERS } from "./support/servers";
import { expectNoAxeViolations } from "./support/axe";

/**
 * The audit log names agents (issue 21), on console A (PostgreSQL, the stand-alone faucet):
 * each event keeps the name its agent had when it was recorded (a deleted agent's too), the
 * table reads "Research Bot (#1)", the one agent filter takes a name or an id, and the CSV has
 * agent_name. audit:verify holding a name to its hash: lib/audit/record-audit-event.test.ts.
 */
const A = SERVERS.remoteA.url;

test.use({ viewport: { width: 1280, height: 800 } });
// Signs in, rotates, deletes, runs axe (a few seconds each on a busy machine).
test.setTimeout(180_000);

function eventRow(page: Page, action: string) {
  return page.getByRole("region", { name: "Audit events" }).getByRole("row").filter({ hasText: action });
}

async function filterByAgent(page: Page, value: string) {
  await page.getByLabel("Agent (name or ID)").fill(value);
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]agent=${encodeURIComponent(value).replaceAll("%20", "(\\+|%20)")}`));
}

test("the log names each agent as it was called then; the filter takes a name or an id; the CSV and the stored events hold the name", async ({
  page,
  request,
}) => {
  const seeded = await seedOperator(request, "Audit Names Operator", ["Research Bot", "Data Scraper"]);
  const research = seeded.agents[0]!;
  const scraper = seeded.agents[1]!;
  const control = new OperatorFaucetControl(request, seeded.operatorId);
  // The agents page reads the list: the names the events below record come from that read.
  await signInOverHttp(page, seeded.operatorKey, A);

  const reveal = await rotateAgent(page, "Research Bot");
  await readRevealedKey(page);
  await reveal.getByRole("button", { name: "Done" }).click();
  await expect(reveal).toBeHidden();
  const dialog = await openRowAction(page, "Data Scraper", "Delete agent");
  await dialog.getByLabel("Agent name").fill("Data Scraper");
  await dialog.getByRole("button", { name: "Delete agent" }).click();
  await expect(dialog.getByRole("status")).toContainText("Deleted Data Scraper");
  await dialog.getByRole("button", { name: "Close" }).click();
  // One faucet call per change: the names cost none.
  expect(await control.calls("regenerate_agent_key")).toBe(1);
  expect(await control.calls("delete_agent")).toBe(1);

  // The agents page's link: a client-side navigation, not a second page load.
  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(`${A}/audit`);
  await expect(page.getByText(/key hand-off/)).toBeVisible();
  await expect(eventRow(page, "rotate agent key")).toContainText(`Research Bot (#${research.id})`);
  // Deleted: the faucet no longer knows it, its events still name it.
  await expect(eventRow(page, "delete agent")).toContainText(`Data Scraper (#${scraper.id})`);
  await expect(eventRow(page, "sign in")).toContainText("Operator key");
  await expectNoAxeViolations(page, "the audit log");

  // A name: any case, any part of it.
  await filterByAgent(page, "scrap");
  await expect(page.getByRole("region", { name: "Audit events" }).getByRole("row")).toHaveCount(2);
  await expect(eventRow(page, "delete agent")).toHaveCount(1);
  await expect(page.getByLabel("Agent (name or ID)")).toHaveValue("scrap");
  // An id, as the log writes it.
  await filterByAgent(page, `#${research.id}`);
  await expect(eventRow(page, "rotate agent key")).toHaveCount(1);
  await expect(eventRow(page, "delete agent")).toHaveCount(0);
  await filterByAgent(page, "Nobody Here");
  await expect(page.getByText("No events match these filters.")).toBeVisible();

  const csv = await (await page.request.get(`${A}/audit/export?agent=RESEARCH`)).text();
  const [header, ...lines] = csv.trim().split("\r\n");
  const columns = header!.split(",");
  expect(columns).toContain("agent_name");
  expect(lines).toHaveLength(1);
  const fields = lines[0]!.split(",");
  expect(fields[columns.indexOf("agent_name")]).toBe('"Research Bot"');
  expect(fields[columns.indexOf("target")]).toBe(`"agent:${research.id}"`);

  // Each event keeps its name, the pending row and its completion alike. That a name is held to its hash
  // (audit:verify clean on named events, a renamed one an edit) is lib/audit/record-audit-event.test.ts's.
  const names = await withDatabase(SERVERS.postgres.url, async (client) =>
    (
      await client.query<{ agent_name: string | null }>("select agent_name from audit_events where chain = $1", [
        `operator:${seeded.operatorId}`,
      ])
    ).rows.map((row) => row.agent_name),
  );
  expect(names.filter((name) => name === "Research Bot")).toHaveLength(2);
  expect(names).toContain("Data Scraper");
});
