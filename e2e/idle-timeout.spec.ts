import { expect, test } from "@playwright/test";
import { signInFreshOperator } from "./support/signed-in-operator";
import { FAUCET_API, SHARED_SECRETS } from "./support/servers";
import { startConsole, type SpawnedConsole } from "./support/spawned-console";
import { dataRoot } from "../playwright.config";

/**
 * The idle timeout counts what a person did. The agents table polls every 30 s; a tab left
 * open and untouched must still be signed out after SESSION_IDLE_MINUTES. Two minutes here
 * (the shortest that tells the rules apart: the session's last_seen_at is refreshed at most
 * once a minute, so with one minute a poll could never have kept it alive anyway), on a
 * console of its own.
 */
test.describe("the idle timeout with the agents page left open", () => {
  let spawned: SpawnedConsole | undefined;
  test.beforeAll(async () => {
    // A console of its own opens a fresh PGlite store: slow on a loaded machine.
    test.setTimeout(120_000);
    spawned = await startConsole({
      dataDir: `${dataRoot}/idle-console`,
      env: { FAUCET_API_URL: FAUCET_API, FAUCET_TIMEOUT_MS: "3000", SESSION_IDLE_MINUTES: "2", ...SHARED_SECRETS },
    });
  });
  test.afterAll(async () => {
    await spawned?.stop();
  });

  test("an open, untouched tab is signed out after SESSION_IDLE_MINUTES although the table keeps polling", async ({ page, request }) => {
    test.setTimeout(300_000);
    const url = spawned!.url;
    await signInFreshOperator(page, request, undefined, "Idle Operator", { consoleBaseUrl: url, faucetUrl: FAUCET_API, agentNames: ["Idle Bot"] });
    const signedInAt = Date.now();
    await expect(page.getByRole("button", { name: "Rotate key for Idle Bot" })).toBeVisible();

    const polls: { at: number; status: number; background: boolean }[] = [];
    page.on("response", (response) => {
      if (new URL(response.url()).pathname !== "/api/agents") return;
      polls.push({ at: Date.now() - signedInAt, status: response.status(), background: response.request().headers()["x-console-background"] === "1" });
    });

    // Nobody touches the page: it polls every 30 s, and the first poll past two minutes finds the session idle.
    await expect(page).toHaveURL(/\/\?reason=idle$/, { timeout: 200_000 });
    await expect(page.getByText("You were signed out after a while without activity. Sign in again.")).toBeVisible();
    const elapsed = Date.now() - signedInAt;
    expect(elapsed).toBeGreaterThanOrEqual(120_000);
    // Polls kept coming until then, marked as background once the page had loaded (those are the
    // ones that used to refresh the session), and answered 200, except the last (401).
    expect(polls.filter((poll) => poll.at < 120_000).length).toBeGreaterThanOrEqual(3);
    expect(polls.filter((poll) => poll.at >= 50_000).every((poll) => poll.background)).toBe(true);
    expect(polls.slice(0, -1).every((poll) => poll.status === 200)).toBe(true);
    expect(polls.at(-1)?.status).toBe(401);
  });
});
