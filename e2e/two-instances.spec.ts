import { expect, test } from "@playwright/test";
import { readRevealedKey, rotateAgent, signInOverHttp } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { FAUCET_API, SERVERS } from "./support/servers";

/**
 * Consoles A and B: two `next start` processes of one build with the same SESSION_SECRET
 * and NEXT_SERVER_ACTIONS_ENCRYPTION_KEY on one faucet, as behind a load balancer with
 * no sticky sessions. Cookies are per host, not per port, so one browser context holds
 * one session for both.
 */
const A = SERVERS.remoteA.url;
const B = SERVERS.remoteB.url;
const AGENT = "Balanced Bot";

const ROUTED = "Routed Bot";

// One operator and one page for both: the second case starts on A's page the first ends on.
test("signed in on A, rotated on B: after a reload A shows B's cooldown for that agent; a page served by A submits a rotation that B handles, as a load balancer may route it", async ({
  page,
  request,
}) => {
  const faucet = new FaucetApi(request, FAUCET_API);
  const { operatorKey, agents } = await faucet.newOperator("Two Instances Operator", [AGENT, "Idle Bot", ROUTED]);
  // A serves the operator first, so that the reload below shows A keeps nothing of its own from before B's change.
  await signInOverHttp(page, operatorKey, A);

  await test.step("signed in on A, rotated on B: after a reload A shows B's cooldown for that agent", async () => {
    await page.goto(`${B}/agents`);
    const reveal = await rotateAgent(page, AGENT);
    const key = await readRevealedKey(page);
    await reveal.getByRole("button", { name: "Done" }).click();
    expect((await faucet.whoami(key)).success).toBe(true);

    await page.goto(`${A}/agents`);
    await page.reload();
    const rotated = page.getByRole("row", { name: new RegExp(AGENT) });
    await expect(rotated.getByRole("timer")).toHaveText(/Withdrawals locked (29|30):\d\d/);
    await expect(rotated).toContainText(`agent_…${key.slice(-4)}`);
    await expect(page.getByRole("row", { name: /Idle Bot/ }).getByRole("timer")).toHaveCount(0);
  });

  await test.step("a page served by A submits a rotation that B handles, as a load balancer may route it", async () => {
    // The balancer: A's server-action POSTs go to B, keeping the public Host (as a balancer that
    // passes Host does; X-Forwarded-Host counts only with TRUSTED_PROXY_HOPS, which A and B leave at 0).
    const handledByB: string[] = [];
    await page.route(`${A}/agents**`, async (route) => {
      const headers = route.request().headers();
      if (route.request().method() !== "POST" || !headers["next-action"]) return route.continue();
      const target = route.request().url().replace(A, B);
      const response = await route.fetch({ url: target, headers: { ...headers, host: new URL(A).host } });
      handledByB.push(target);
      await route.fulfill({ response });
    });

    await rotateAgent(page, ROUTED);
    const key = await readRevealedKey(page);
    expect(handledByB).toHaveLength(1);
    expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: agents[2]?.id });
  });
});
