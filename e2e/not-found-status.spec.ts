import { expect, test } from "@playwright/test";
import { openSessionOverHttp } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { FAUCET_API, SERVERS } from "./support/servers";

const CONSOLE = SERVERS.remoteA.url;

/**
 * Another operator's agent is not found, and says so with its status: a 404, not the
 * not-found page streamed under a 200 (a soft 404 that caches and crawlers take as a page).
 */
test("details and key history of another operator's agent answer 404; one's own answer 200", async ({
  page,
  request,
}) => {
  const faucet = new FaucetApi(request, FAUCET_API);
  const mine = await faucet.newOperator("Status Owner", ["Own Status Bot"]);
  const theirs = await faucet.newOperator("Status Stranger", ["Foreign Status Bot"]);
  await openSessionOverHttp(page, mine.operatorKey, CONSOLE);
  const own = mine.agents[0]!.id;
  const foreign = theirs.agents[0]!.id;

  // The status of one's own pages is the HTTP answer alone (the page's session, a document request): no render needed.
  for (const path of [`/agents/${own}`, `/agents/${own}/keys`]) {
    const response = await page.request.get(`${CONSOLE}${path}`, { headers: { accept: "text/html" }, maxRedirects: 0 });
    expect(response.status(), path).toBe(200);
  }
  for (const path of [`/agents/${foreign}`, `/agents/${foreign}/keys`]) {
    const response = await page.goto(`${CONSOLE}${path}`);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText("Foreign Status Bot")).toHaveCount(0);
  }
});
