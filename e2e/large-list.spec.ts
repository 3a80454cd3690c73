import { expect, type Page, type Request } from "@playwright/test";
import { readRevealedKey, rotateAgent } from "./support/console-page";
import {
  AGENT_ROW,
  agentNames,
  agentsTable,
  byName,
  firstNames,
  largeConsoleFaucet,
  ROWS_IN_DOM,
  signInAsDemo,
  test,
  startLargeConsoleForSpec,
  type FaucetAgentRow,
} from "./support/large-console";

/**
 * The console on an embedded faucet seeded with 10,000 agents. Only this file uses that
 * console; every assertion is checked against the faucet's own list_agents, and the tests
 * that rotate tolerate each other's rotations, so they hold in any order.
 */
// In order, in one worker: the spec starts that console itself (startLargeConsoleForSpec in
// support/large-console.ts), once, and one is enough.
test.describe.configure({ mode: "default" });
startLargeConsoleForSpec();

const TOTAL = "10,000";

async function selectSort(page: Page, label: string) {
  await page.getByLabel("Sort by").selectOption({ label });
}

async function selectFilter(page: Page, label: string) {
  await page.getByLabel("Show").selectOption({ label });
}

function countLabel(matching: number) {
  return `${matching.toLocaleString("en-US")} of ${TOTAL} agents`;
}

// The next two tests each walk several cases on one signed-in page (one sign-in, one page load,
// instead of one per case): their budget is the sum of the budgets of the tests they replaced.
test("read-only, on one page: the data route's page size, search by name and id, sorts by name and balance, and the view in the URL", async ({
  page,
  request,
  browser,
}) => {
  test.setTimeout(4 * 45_000);
  const faucet = await largeConsoleFaucet(request);
  const agents = await faucet.listAgents();
  expect(agents).toHaveLength(10_000);
  await signInAsDemo(page);

  await test.step("the data route ships one page of at most 200 rows, however many are asked for", async () => {
    const fetchPage = async (query: string) => {
      const response = await page.request.get(`/api/agents?${query}`);
      expect(response.status()).toBe(200);
      return (await response.json()) as { agents: { name: string }[]; matching: number; total: number };
    };
    const end = await fetchPage("limit=200&offset=9900");
    expect(end).toMatchObject({ matching: 10_000, total: 10_000 });
    // The page is where it was asked for: its first and last rows (the reply no longer echoes the offset).
    expect(end.agents[0]?.name).toBe("agent-09901");
    expect(end.agents.map((agent) => agent.name).slice(-2)).toEqual(["agent-09999", "agent-10000"]);
    expect(end.agents).toHaveLength(100);
    expect((await fetchPage("limit=200")).agents).toHaveLength(200);
    expect((await fetchPage("limit=100000")).agents.length).toBeLessThanOrEqual(200);
  });

  const search = page.getByRole("searchbox", { name: "Search agents" });
  await test.step("search finds one agent among 10,000 by name, and by id", async () => {
    // "Select all" and incident mode's toolbar count with a thousands separator (e2e/incident.spec.ts's fleet is below 1,000).
    await page.getByRole("checkbox", { name: `Select all ${TOTAL} matching` }).check();
    await expect(page.getByRole("toolbar", { name: "Bulk actions" })).toContainText(`${TOTAL} selected`);
    await page.getByRole("button", { name: "Clear selection" }).click();
    await expect(page.getByRole("toolbar", { name: "Bulk actions" })).toBeHidden();

    await search.fill("agent-04321");
    await expect(agentNames(page)).toHaveText(["agent-04321"]);
    await expect(page.getByText(countLabel(1))).toBeVisible();

    // "#id" cannot match a name, so this finds the agent through its id alone.
    const byId = agents.find((agent) => agent.id === 7777);
    expect(byId).toBeDefined();
    await search.fill("#7777");
    await expect(agentNames(page)).toHaveText([byId!.name]);
    await expect(agentsTable(page).getByRole("row", { name: byId!.name })).toContainText("7777");

    await search.fill("no agent has this name");
    await expect(page.getByText("No agents match this search and filter.")).toBeVisible();
    await search.fill("");
    await expect(page.getByText(`${TOTAL} agents`, { exact: true })).toBeVisible();
  });

  await test.step("sorts 10,000 agents by name and by balance, both ways", async () => {
    const names = (sorted: FaucetAgentRow[]) => sorted.slice(0, 5).map((agent) => agent.name);
    const byBalance = (a: FaucetAgentRow, b: FaucetAgentRow) => a.balance_sats - b.balance_sats || byName(a, b);

    expect(await firstNames(page, 5)).toEqual(names([...agents].sort(byName)));

    await selectSort(page, "Name (Z–A)");
    await expect(agentNames(page).first()).toHaveText(names([...agents].sort((a, b) => byName(b, a)))[0]!);
    expect(await firstNames(page, 5)).toEqual(names([...agents].sort((a, b) => byName(b, a))));

    await selectSort(page, "Balance (highest first)");
    const richest = names([...agents].sort((a, b) => byBalance(b, a)));
    await expect(agentNames(page).first()).toHaveText(richest[0]!);
    expect(await firstNames(page, 5)).toEqual(richest);

    await selectSort(page, "Balance (lowest first)");
    const poorest = names([...agents].sort(byBalance));
    await expect(agentNames(page).first()).toHaveText(poorest[0]!);
    expect(await firstNames(page, 5)).toEqual(poorest);
  });

  await test.step("the view lives in the URL: a reload and a shared link open the same view", async () => {
    await search.fill("agent-0");
    await selectSort(page, "Balance (highest first)");
    await selectFilter(page, "Inactive");
    await expect(page).toHaveURL(/\/agents\?q=agent-0&sort=balance&dir=desc&filter=inactive$/);
    const count = page.getByRole("status").filter({ hasText: /of 10,000 agents/ });
    await expect(count).toBeVisible();
    const view = { count: await count.textContent(), names: await firstNames(page, 5) };

    const expectSameView = async (target: Page) => {
      await expect(target.getByRole("searchbox", { name: "Search agents" })).toHaveValue("agent-0");
      await expect(target.getByLabel("Sort by")).toHaveValue("balance:desc");
      await expect(target.getByLabel("Show")).toHaveValue("inactive");
      await expect(target.getByRole("status").filter({ hasText: /of 10,000 agents/ })).toHaveText(view.count ?? "");
      expect(await firstNames(target, 5)).toEqual(view.names);
    };

    await page.reload();
    await expectSameView(page);

    // A colleague opens the link in their own browser and signs in.
    const shared = page.url();
    const colleague = await browser.newContext();
    try {
      const other = await colleague.newPage();
      await signInAsDemo(other);
      await other.goto(shared);
      await expectSameView(other);
    } finally {
      await colleague.close();
    }
  });
});

test("with agents rotated at the faucet, on one page: filters active, inactive, in cooldown; sorts by cooldown, longest first", async ({
  page,
  request,
}) => {
  test.setTimeout(2 * 45_000);
  const faucet = await largeConsoleFaucet(request);
  // Rotated one after another, so each later one is locked a little longer.
  const sortRotated = [3101, 3102, 3103];
  const filterRotated = [4201, 4202];
  for (const id of [...filterRotated, ...sortRotated]) await faucet.rotate(id);
  const agents = await faucet.listAgents();
  await signInAsDemo(page);
  const search = page.getByRole("searchbox", { name: "Search agents" });

  await test.step("filters 10,000 agents: active, inactive, in cooldown", async () => {
    const active = agents.filter((agent) => agent.is_active);
    const inactive = agents.filter((agent) => !agent.is_active);
    const cells = (state: string) => agentsTable(page).getByRole("cell", { name: state, exact: true });

    await selectFilter(page, "Active");
    await expect(page.getByText(countLabel(active.length))).toBeVisible();
    await expect(cells("Inactive")).toHaveCount(0);
    expect(await firstNames(page, 3)).toEqual(
      active
        .sort(byName)
        .slice(0, 3)
        .map((agent) => agent.name),
    );

    await selectFilter(page, "Inactive");
    await expect(page.getByText(countLabel(inactive.length))).toBeVisible();
    await expect(cells("Active")).toHaveCount(0);
    expect(await firstNames(page, 3)).toEqual(
      inactive
        .sort(byName)
        .slice(0, 3)
        .map((agent) => agent.name),
    );

    await selectFilter(page, "In cooldown");
    await expect(page).toHaveURL(/filter=cooldown/);
    // Other tests may lock more agents meanwhile; ours are there and every row shown is locked.
    const rows = agentsTable(page)
      .getByRole("row")
      .filter({ has: page.getByRole("rowheader") });
    await expect(rows.nth(1)).toBeVisible();
    await expect(rows.filter({ hasNot: page.getByRole("timer") })).toHaveCount(0);
    for (const id of filterRotated) {
      const name = agents.find((agent) => agent.id === id)?.name ?? "";
      await search.fill(name);
      await expect(agentNames(page)).toHaveText([name]);
      await expect(rows.first().getByRole("timer")).toHaveText(/Withdrawals locked (29|30):\d\d/);
    }
  });

  await test.step("sorts by cooldown: the agents locked longest come first, in order", async () => {
    const rotatedNames = sortRotated.map((id) => agents.find((agent) => agent.id === id)?.name);
    // Back to all agents, as the previous case found them.
    await search.fill("");
    await selectFilter(page, "All agents");
    await expect(page.getByText(`${TOTAL} agents`, { exact: true })).toBeVisible();

    await selectSort(page, "Cooldown (longest first)");
    await expect(page).toHaveURL(/sort=cooldown&dir=desc/);
    // Other tests may lock agents too (and the filter case's agents are locked here): whatever is
    // locked comes first, longest first.
    const timers = agentsTable(page).getByRole("timer");
    await expect(timers.nth(2)).toBeVisible();
    const locked = await agentsTable(page)
      .getByRole("row")
      .filter({ has: page.getByRole("timer") })
      .evaluateAll((rows) => rows.map((row) => row.querySelector("th")?.textContent ?? ""));
    const shown = await agentNames(page).allTextContents();
    expect(shown.slice(0, locked.length)).toEqual(locked);
    const ours = locked.filter((name) => rotatedNames.includes(name));
    expect(ours).toEqual([...rotatedNames].reverse());
    const remaining = (await timers.allTextContents()).map((text) => {
      const [minutes, seconds] = (/(\d+):(\d\d)$/.exec(text) ?? []).slice(1).map(Number);
      return (minutes ?? 0) * 60 + (seconds ?? 0);
    });
    expect(remaining).toEqual([...remaining].sort((a, b) => b - a));
  });
});

// These two rotate the same agent; run one after the other (in either order) so neither
// confirms while the other's rotation lands, which the console rightly reports as
// "rotated elsewhere".
test.describe("the 9,999th agent", () => {
  test.describe.configure({ mode: "default" });

  test("scrolling to the end never holds more than 200 rows in the DOM; the 9,999th agent rotates from there", async ({
    page,
    request,
  }) => {
    const faucet = await largeConsoleFaucet(request);
    await page.clock.install();
    await signInAsDemo(page);
    // Every change to the table body is sampled, not just the moments the test looks.
    const probe = await page.evaluateHandle((selector) => {
      const body = document.querySelector("tbody");
      const sample = { max: 0, samples: 0 };
      if (!body) return sample;
      new MutationObserver(() => {
        sample.samples += 1;
        sample.max = Math.max(sample.max, body.querySelectorAll(selector).length);
      }).observe(body, { childList: true, subtree: true });
      return sample;
    }, AGENT_ROW);

    const last = page.getByRole("rowheader", { name: "agent-10000", exact: true });
    const scroller = page.getByTestId("agents-scroller");
    // The first step with the wheel, as an operator scrolls: over the sticky header, since hovering
    // the 570,000 px table itself would scroll it to its middle.
    await agentsTable(page).getByRole("columnheader", { name: "Name" }).hover();
    await page.mouse.wheel(0, 4_000);
    await expect.poll(() => scroller.evaluate((element) => element.scrollTop)).toBeGreaterThan(0);
    // The other ~140 steps of 4,000 px inside the page, each waiting for its scroll event (the table
    // renders its new rows in that event's handler): a wheel and a visibility check per step from
    // here took 10 s alone and over 45 s on a loaded CI machine.
    // The table's page requests while it scrolls (page 0, the first, is polled anyway).
    const pageRequests: string[] = [];
    const countPageRequest = (request: Request) => {
      const url = new URL(request.url());
      if (url.pathname === "/api/agents" && url.searchParams.get("offset") !== "0") pageRequests.push(url.search);
    };
    page.on("request", countPageRequest);
    const scrollStarted = Date.now();
    const steps = await scroller.evaluate(async (element) => {
      let count = 0;
      for (; count < 400; count++) {
        const before = element.scrollTop;
        const scrolled = new Promise((resolve) => element.addEventListener("scroll", resolve, { once: true }));
        element.scrollTop = before + 4_000;
        if (element.scrollTop === before) break;
        await scrolled;
      }
      return count;
    });
    expect(steps).toBeGreaterThan(100);
    await expect(last).toBeVisible();
    const scrollMs = Date.now() - scrollStarted;
    page.off("request", countPageRequest);
    // While it scrolls the table asks for the rows in view when it starts, at most every 400 ms after,
    // and when it stops (a view spans at most two pages of 100): not for each of the ~99 pages it passes.
    expect(pageRequests.length).toBeLessThanOrEqual(2 * (Math.ceil(scrollMs / 400) + 2));
    const sampled = await probe.evaluate((sample) => ({ ...sample }));
    expect(sampled.samples).toBeGreaterThan(100);
    expect(sampled.max).toBeGreaterThan(10);
    expect(sampled.max).toBeLessThanOrEqual(200);
    expect(await page.locator(ROWS_IN_DOM).count()).toBeLessThanOrEqual(200);

    // The 9,999th of 10,000 in name order is the one just above the last row.
    const shown = await agentNames(page).allTextContents();
    expect(shown.slice(-2)).toEqual(["agent-09999", "agent-10000"]);
    await expectRotationWithRevealAndTimer(page, faucet, "agent-09999");
  });

  test("the 9,999th agent found by search rotates, with the reveal and a live timer", async ({ page, request }) => {
    const faucet = await largeConsoleFaucet(request);
    const agents = (await faucet.listAgents()).sort(byName);
    const target = agents[9_998];
    expect(target?.name).toBe("agent-09999");
    await page.clock.install();
    await signInAsDemo(page);
    await page.getByRole("searchbox", { name: "Search agents" }).fill(target!.name);
    await expect(agentNames(page)).toHaveText([target!.name]);
    await expectRotationWithRevealAndTimer(page, faucet, target!.name);
  });
});

async function expectRotationWithRevealAndTimer(
  page: Page,
  faucet: Awaited<ReturnType<typeof largeConsoleFaucet>>,
  name: string,
) {
  const reveal = await rotateAgent(page, name);
  const key = await readRevealedKey(page);
  await reveal.getByRole("button", { name: "Done" }).click();
  await expect(reveal).toBeHidden();
  // The revealed key is the one the faucet now accepts for this agent.
  expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", name });

  const row = agentsTable(page).getByRole("row", { name: new RegExp(name) });
  await expect(row).toContainText(`agent_…${key.slice(-4)}`);
  const timer = row.getByRole("timer");
  await expect(timer).toHaveText(/Withdrawals locked (29|30):\d\d/);
  const before = await timer.textContent();
  // The countdown runs: one more second of page time and it shows less.
  await expect
    .poll(async () => {
      await page.clock.runFor(1_000);
      return timer.textContent();
    })
    .not.toBe(before);
  await expect(timer).toHaveText(/Withdrawals locked (29|30):\d\d/);
}
