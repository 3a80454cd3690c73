import type { Page } from "@playwright/test";

/**
 * Moves time forward for the browser and for the console's answers together.
 *
 * The page corrects the browser's clock by the server's (`serverNow` in every /api/agents
 * reply), so advancing `page.clock` alone looks like a browser clock running fast, which
 * the next refetch rightly corrects back. A `next start` server's clock cannot be moved, so
 * its agents replies get `serverNow` shifted by the same amount: both clocks then agree that
 * the time has passed, as they would after a real wait. Cooldown ends are absolute epoch
 * times and pass through untouched; only "now" moves.
 *
 * Call before the first navigation: the fake clock must be installed before the page's scripts run.
 */
export async function installTimeTravel(page: Page) {
  let shiftMs = 0;
  await page.route(/\/api\/agents\?/, async (route) => {
    let response;
    let body: { serverNow?: unknown };
    try {
      response = await route.fetch();
      body = (await response.json()) as { serverNow?: unknown };
    } catch {
      // The page cancelled this request (react-query aborts a superseded refetch): nothing to answer.
      return route.abort().catch(() => undefined);
    }
    if (typeof body.serverNow === "number") body.serverNow += shiftMs;
    await route.fulfill({ response, json: body }).catch(() => undefined);
  });
  await page.clock.install();
  return {
    /** Jumps forward like a closed laptop lid: due timers fire once. */
    async fastForward(ms: number) {
      shiftMs += ms;
      await page.clock.fastForward(ms);
    },
    /** Runs every timer on the way, like real time passing. */
    async runFor(ms: number) {
      shiftMs += ms;
      await page.clock.runFor(ms);
    },
  };
}
