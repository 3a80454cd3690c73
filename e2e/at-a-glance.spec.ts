import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { withDatabase } from "./support/audit-store";
import { readRevealedKey, signInOverHttp } from "./support/console-page";
import { FaucetApi, seedOperator } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { FAUCET_API, SERVERS } from "./support/servers";
import { expectNoAxeViolations } from "./support/axe";

/**
 * What needs attention, at a glance (issue 21), on console A (PostgreSQL, the stand-alone
 * faucet): key age and flags on the right rows, "Needs attention" showing exactly those,
 * whole names at 1280×800, and a details page that rotates and deactivates.
 */
const A = SERVERS.remoteA.url;
const DAY_MS = 86_400_000;

test.use({ viewport: { width: 1280, height: 800 } });
// Each test signs in, seeds and runs axe (a few seconds each on a busy machine).
test.setTimeout(120_000);

/**
 * A rotation of the agent's key recorded `daysAgo` days ago, as console A's store would hold
 * it. The flags are worked out on the server (the filter needs them there) and a `next start`
 * server's clock cannot be moved, so the test moves the key's recorded time instead.
 */
async function recordOldRotation(operatorId: number, agentId: number, daysAgo: number) {
  const at = new Date(Date.now() - daysAgo * DAY_MS);
  await withDatabase(SERVERS.postgres.url, (client) =>
    client.query(
      `insert into key_rotations (id, operator_id, target, session_label, instance_id, status, started_at, finished_at)
       values (gen_random_uuid(), $1, $2, 'e2e-old', 'e2e', 'committed', $3, $3)`,
      [operatorId, `agent:${agentId}`, at],
    ),
  );
}

function row(page: Page, name: string) {
  return page.getByRole("row").filter({ has: page.getByRole("rowheader", { name, exact: true }) });
}

async function flaggedOperator(request: APIRequestContext) {
  const seeded = await seedOperator(request, "Glance Operator", [
    "Limited Bot",
    "Unlimited Bot",
    "Idle Holder",
    "Old Key Bot",
  ]);
  const faucet = new FaucetApi(request, FAUCET_API);
  const [limited, , idle, old] = seeded.agents;
  const key = seeded.operatorKey;
  for (const agent of [limited!, idle!, old!]) {
    await faucet.ok({
      action: "update_agent",
      api_key: key,
      agent_id: agent.id,
      updates: { budget_limit_sats: 5_000 },
    });
  }
  await faucet.ok({ action: "fund_agent", api_key: key, agent_id: idle!.id, amount_sats: 1_000 });
  await faucet.ok({ action: "update_agent", api_key: key, agent_id: idle!.id, updates: { is_active: false } });
  await recordOldRotation(seeded.operatorId, old!.id, 100);
  return seeded;
}

test("each risky agent carries its flag, Needs attention shows exactly those, and key age sorts", async ({
  page,
  request,
}) => {
  const operator = await flaggedOperator(request);
  await signInOverHttp(page, operator.operatorKey, A);

  await expect(row(page, "Limited Bot")).toBeVisible();
  const flagsOf = (name: string) =>
    row(page, name)
      .getByRole("list", { name: `Needs attention: ${name}` })
      .getByRole("listitem");
  await expect(row(page, "Limited Bot").getByRole("list")).toHaveCount(0);
  await expect(flagsOf("Unlimited Bot")).toHaveText([/^\W*No budget limit$/]);
  await expect(flagsOf("Idle Holder")).toHaveText([/^\W*Inactive, holds 1,000 sats$/]);
  await expect(flagsOf("Old Key Bot")).toHaveText([/^\W*Key older than 90 days$/]);
  // Key age: from the recorded rotation, else from the faucet's created_at (just now).
  await expect(row(page, "Old Key Bot")).toContainText("100 days");
  await expect(row(page, "Limited Bot")).toContainText("Today");
  await expectNoAxeViolations(page, "the agents page with flags");

  // The panel's line applies the filter; the Show choice carries the same count.
  const show = page.getByLabel("Show");
  await expect(show.locator("option[value=attention]")).toHaveText("Needs attention (3)");
  await page.getByRole("button", { name: "3 agents need attention" }).click();
  await expect(page).toHaveURL(/filter=attention/);
  await expect(show).toHaveValue("attention");
  await expect(page.getByRole("rowheader")).toHaveText(["Idle Holder", "Old Key Bot", "Unlimited Bot"]);
  await expectNoAxeViolations(page, "the Needs attention view");

  await show.selectOption("all");
  await page.getByLabel("Sort by").selectOption("key-age:desc");
  await expect(page.getByRole("rowheader").first()).toHaveText("Old Key Bot");
  await expect(page.getByRole("rowheader")).toHaveCount(4);
});

test("names of up to 40 characters show whole at 1280×800; a longer one shows in full on hover and focus", async ({
  page,
  request,
}) => {
  const names = [
    "Quarterly Revenue Reconciliation Agent 7",
    "Customer Support Escalation Summarizer 2",
    "Research Assistant for Lightning Papers",
    "Wholesale Procurement Negotiator Bot WW1",
    "Internationalisation-And-Localisation-QA",
    "Short Bot",
  ];
  const tooLong = `${"Extraordinarily Long Name ".repeat(3)}Plus Extra Words`;
  const operator = await seedOperator(request, "Names Operator", [...names, tooLong]);
  await signInOverHttp(page, operator.operatorKey, A);
  await expect(page.getByRole("rowheader")).toHaveCount(names.length + 1);

  for (const name of names) {
    const cell = page.getByRole("rowheader", { name, exact: true });
    await expect(cell).toHaveText(name);
    const clipped = await cell
      .locator("span")
      .first()
      .evaluate((el) => el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1);
    expect(clipped, `"${name}" is cut`).toBe(false);
  }

  const long = page.getByRole("rowheader", { name: tooLong, exact: true });
  await expect(long).toHaveAttribute("title", tooLong);
  const longName = long.locator("span").first();
  expect(await longName.evaluate((el) => el.scrollHeight > el.clientHeight + 1)).toBe(true);
  // Focus anywhere in its row shows it whole.
  await page.getByRole("checkbox", { name: `Select ${tooLong}` }).focus();
  expect(await longName.evaluate((el) => el.scrollHeight > el.clientHeight + 1)).toBe(false);
});

/**
 * The names in the rendered rows, each with whether its cell cuts it (the virtualised table renders
 * a window), and whether the table's scroll box is at its end. `scroll` first moves the box ("top";
 * "next": the last rendered row to the top, so the next window overlaps this one by the overscan and
 * skips none) and waits for the window it renders and for its rows' pages to arrive: one call into the
 * page per window.
 */
function renderedNames(page: Page, scroll?: "top" | "next"): Promise<{ rows: [string, boolean][]; atEnd: boolean }> {
  return page
    .getByRole("table")
    .first()
    .evaluate(async (table, to) => {
      let box = table.parentElement;
      while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      if (box && to !== undefined) {
        // The spacer rows standing in for the rest are aria-hidden.
        const lastRow = [...table.querySelectorAll("tbody tr:not([aria-hidden='true'])")].at(-1);
        const header = table.querySelector("thead")?.getBoundingClientRect().height ?? 0;
        if (to === "top" || !lastRow) box.scrollTop = 0;
        else box.scrollTop += lastRow.getBoundingClientRect().top - box.getBoundingClientRect().top - header;
        // Two frames: the virtualiser renders the new window on the scroll event's next frame.
        await frame();
        await frame();
        // Rows whose page has not arrived are placeholders (aria-busy): wait for them, a few seconds at
        // most (the caller reads the window again on its next pass if they are still loading).
        const until = performance.now() + 5_000;
        while (table.querySelector("tbody tr[aria-busy='true']") && performance.now() < until) await frame();
      }
      const rows = [...table.querySelectorAll("tbody th[scope='row']")].map((cell): [string, boolean] => {
        const name = cell.querySelector("span") ?? cell;
        return [
          cell.getAttribute("title") ?? "",
          name.scrollHeight > name.clientHeight + 1 || name.scrollWidth > name.clientWidth + 1,
        ];
      });
      return { rows, atEnd: !box || box.scrollTop + box.clientHeight >= box.scrollHeight - 1 };
    }, scroll);
}

test("at 1280×800 the demo operator's names show whole", async ({ page }) => {
  // The demo operator is shared by every test of the run: this test only reads.
  await page.goto(`${SERVERS.embedded.url}/`);
  await page.getByRole("button", { name: "Use demo operator" }).click();
  await expect(page).toHaveURL(/\/agents/);
  await expect(page.getByRole("rowheader", { name: "Code Reviewer" })).toBeVisible();
  const shown = (await renderedNames(page)).rows;
  expect(shown.map(([name]) => name)).toEqual(
    expect.arrayContaining(["Code Reviewer", "Data Scraper", "Translation Agent", "Research Assistant"]),
  );
  expect(shown.filter(([, cut]) => cut)).toEqual([]);
});

test("at 1280×800 no name of up to 40 characters is cut among 1,000 agents with long names", async ({
  page,
  request,
}) => {
  // Names as operators write them, 26 to 40 characters, wide capitals included; every one unique.
  const stems = [
    "Quarterly Revenue Reconciliation Agent",
    "Customer Support Escalation Summarizer",
    "Wholesale Procurement Negotiator WWM",
    "Internationalisation-And-Localisation",
    "Research Assistant Lightning Papers",
    "MEMBERSHIP WORKFLOW AUTOMATION BOT",
  ];
  const names = Array.from({ length: 1_000 }, (_, index) => {
    const stem = stems[index % stems.length]!;
    const suffix = ` ${String(index + 1).padStart(4, "0")}`;
    // Half at exactly 40 characters, the rest shorter.
    const room = (index % 2 === 0 ? 40 : 26 + (index % 14)) - suffix.length;
    return `${stem.slice(0, room).trimEnd()}${suffix}`;
  });
  expect(Math.max(...names.map((name) => name.length))).toBe(40);
  // One write at the faucet's test control, not 1,000 create_agent calls.
  const operator = await seedOperator(request, "Long Names Operator", names);
  // Every row is read, so the default order (by name) serves.
  await signInOverHttp(page, operator.operatorKey, A);

  // The table scrolls in its own box, a window of rows at a time: scroll it down a window at a time,
  // reading each, until its end; a second pass reads any row whose page had not arrived the first time.
  const seen = new Map<string, boolean>();
  for (let pass = 0; pass < 3 && seen.size < names.length; pass++) {
    let view = await renderedNames(page, "top");
    for (let step = 0; step < 400; step++) {
      for (const [name, cut] of view.rows) seen.set(name, (seen.get(name) ?? false) || cut);
      if (view.atEnd) break;
      view = await renderedNames(page, "next");
    }
  }
  expect(seen.size).toBe(names.length);
  expect([...seen].filter(([, cut]) => cut).map(([name]) => name)).toEqual([]);
});

test("the details page rotates and deactivates, one faucet call each, and its events follow", async ({
  page,
  request,
}) => {
  const seeded = await seedOperator(request, "Details Glance Operator", ["Detail Bot"]);
  const agent = seeded.agents[0]!;
  const control = new OperatorFaucetControl(request, seeded.operatorId);
  await signInOverHttp(page, seeded.operatorKey, A);
  await page.goto(`${A}/agents/${agent.id}`);
  await expect(page.getByRole("heading", { level: 1, name: "Detail Bot" })).toBeVisible();
  await expect(page.getByRole("list", { name: "Needs attention" })).toContainText("No budget limit");
  await expect(page.getByRole("link", { name: "All events of Detail Bot in the audit log" })).toHaveAttribute(
    "href",
    `/audit?agent=${agent.id}`,
  );
  await expectNoAxeViolations(page, "the details page");

  await page.getByRole("button", { name: "Rotate key for Detail Bot" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Rotate key" }).click();
  const reveal = page.getByRole("dialog", { name: "New API key for Detail Bot" });
  await expect(reveal).toBeVisible();
  const newKey = await readRevealedKey(page);
  await reveal.getByRole("button", { name: "Done" }).click();
  expect(await control.calls("regenerate_agent_key")).toBe(1);
  const events = page.getByRole("table", { name: /events of Detail Bot/ });
  await expect(events.getByRole("row").filter({ hasText: "rotate agent key" })).toHaveCount(1);
  await expect(page.getByRole("table", { name: "Keys of Detail Bot, newest first" })).toContainText(
    `agent_…${newKey.slice(-4)}`,
  );

  await page.getByRole("button", { name: "More actions for Detail Bot" }).click();
  await page.getByRole("menuitem", { name: "Deactivate", exact: true }).click();
  const confirm = page.getByRole("alertdialog");
  await confirm.getByRole("button", { name: "Deactivate" }).click();
  await expect(confirm.getByRole("status")).toHaveText("Detail Bot is deactivated: its key no longer pays.");
  await confirm.getByRole("button", { name: "Close" }).click();
  expect(await control.calls("update_agent")).toBe(1);
  await expect(page.locator("dl")).toContainText("StateInactive");
  await expect(events.getByRole("row").filter({ hasText: "deactivate agent" })).toHaveCount(1);
  await expect(page.getByRole("button", { name: "More actions for Detail Bot" })).toBeFocused();
});
