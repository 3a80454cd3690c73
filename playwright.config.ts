import { availableParallelism } from "node:os";
import { defineConfig, devices } from "@playwright/test";
import { SERVERS } from "./e2e/support/servers";
import { testBrowserLaunchOptions } from "./scripts/test-browser";

/**
 * The chromium that `npm test`'s first step (scripts/ensure-test-browser.ts) found or installed:
 * Playwright's own if it is on disk, else Debian's with its flags.
 */
const launchOptions = testBrowserLaunchOptions();

export default defineConfig({
  testDir: "./e2e",
  // Specs only: e2e/support holds vitest unit tests of its helpers too.
  testMatch: "**/*.spec.ts",
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  // The run is CPU-bound: one worker per core. On a quiet 2-core machine, the same commit back to back:
  // 3 workers 347 s (sum of test durations 853 s), 2 workers 344 s (587 s): a worker beyond the cores
  // adds contention, which stretches every test towards its timeouts, not throughput.
  workers: Math.max(2, availableParallelism()),
  timeout: 45_000,
  expect: { timeout: 10_000 },
  // The duration reporter prints the sum of per-test durations and the slowest tests at the end.
  reporter: [
    ["list"],
    ["./e2e/support/duration-reporter.ts"],
    ...(process.env.CI ? [["html", { open: "never" }] as const] : []),
  ],
  // Checks that every server is on loopback, then starts the shared ones side by side (test-servers.ts).
  globalSetup: "./e2e/support/global-setup.ts",
  use: {
    baseURL: SERVERS.embedded.url,
    trace: "on-first-retry",
    launchOptions,
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], launchOptions } }],
});
