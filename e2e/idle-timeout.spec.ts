import { expect, test } from "@playwright/test";
import { signInFreshOperator } from "./support/signed-in-operator";
import { FAUCET_API, SHARED_SECRETS } from "./support/servers";
import { startConsole, type SpawnedConsole } from "./support/spawned-console";
import { dataRoot } from "./support/test-servers";

/**
 * The idle timeout counts what a person did. The agents table polls every 30 s; a tab left
 * open and untouched must still be signed out after the idle limit. To take seconds, not
 * minutes: the console's limit is SESSION_IDLE_SECONDS=6 (its last_seen_at is then written
 * every 1.5 s, so a poll that counted would keep the session alive), and the browser's clock is
 * faked, jumped 30 s every second of real time, so the table polls as it does every 30 s: about
 * six polls inside the limit. The server's idle limit runs on real time.
 */
const IDLE_MS = 6_000;
const JUMP_EVERY_MS = 1_000;

test.describe("the idle timeout with the agents page left open", () => {
  let spawned: SpawnedConsole | undefined;
  test.beforeAll(async () => {
    // A console of its own opens a fresh PGlite store: slow on a loaded machine.
    test.setTimeout(120_000);
    spawned = await startConsole({
      dataDir: `${dataRoot}/idle-console`,
      env: {
        FAUCET_API_URL: FAUCET_API,
        FAUCET_TIMEOUT_MS: "3000",
        SESSION_IDLE_SECONDS: String(IDLE_MS / 1000),
        ...SHARED_SECRETS,
      },
    });
  });
  test.afterAll(async () => {
    await spawned?.stop();
  });

  test("an open, untouched tab is signed out after the idle limit although the table keeps polling", async ({
    page,
    request,
  }) => {
    test.setTimeout(120_000);
    const url = spawned!.url;
    await page.clock.install();
    // The session cannot be older than this: the signed-out time is measured from here.
    const beforeSignIn = Date.now();
    await signInFreshOperator(page, request, undefined, "Idle Operator", {
      via: "form",
      consoleBaseUrl: url,
      faucetUrl: FAUCET_API,
      agentNames: ["Idle Bot"],
    });
    const signedInAt = Date.now();
    await expect(page.getByRole("button", { name: "Rotate key for Idle Bot" })).toBeVisible();

    let jumps = 0;
    const polls: { at: number; jumps: number; status: number; background: boolean }[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).pathname !== "/api/agents") return;
      polls.push({
        at: Date.now() - signedInAt,
        jumps,
        status: response.status(),
        background: response.request().headers()["x-console-background"] === "1",
      });
    });

    // Nobody touches the page: each jump of its clock fires the table's 30 s poll, and the first poll past the limit finds the session idle.
    while (!/\/\?reason=idle$/.test(page.url()) && Date.now() - signedInAt < 60_000) {
      await page.clock.fastForward(30_000);
      jumps++;
      await new Promise((resolve) => setTimeout(resolve, JUMP_EVERY_MS));
    }
    await expect(page).toHaveURL(/\/\?reason=idle$/, { timeout: 10_000 });
    await expect(page.getByText("You were signed out after a while without activity. Sign in again.")).toBeVisible();
    const elapsed = Date.now() - beforeSignIn;
    expect(elapsed).toBeGreaterThanOrEqual(IDLE_MS);
    // Polls kept coming until then, marked as background once the page had loaded (those are the
    // ones that used to refresh the session), and answered 200, except the last (401).
    expect(polls.filter((poll) => poll.at < IDLE_MS).length).toBeGreaterThanOrEqual(3);
    expect(polls.filter((poll) => poll.jumps >= 2).every((poll) => poll.background)).toBe(true);
    expect(polls.slice(0, -1).every((poll) => poll.status === 200)).toBe(true);
    expect(polls.at(-1)?.status).toBe(401);
  });
});
