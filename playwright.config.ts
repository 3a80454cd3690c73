import { availableParallelism } from "node:os";
import { defineConfig, devices } from "@playwright/test";
import { GENEROUS_LIMITS, SERVERS, SHARED_SECRETS, TEST_KEEP_ALIVE_ARGS } from "./e2e/support/servers";
import { testBrowserLaunchOptions } from "./scripts/test-browser";

/**
 * The chromium that `npm test`'s first step (scripts/ensure-test-browser.ts) found or installed:
 * Playwright's own if it is on disk, else Debian's with its flags.
 */
const launchOptions = testBrowserLaunchOptions();

export const dataRoot = process.env.E2E_DATA_DIR ?? `.data-e2e-${SERVERS.embedded.port}`;
/** Each console's output goes to <dir>/server.log, where the secret-hygiene test searches it for keys. */
const nextStart = (port: number, dir: string) =>
  `mkdir -p ${dir} && exec npx next start -H 127.0.0.1 -p ${port} ${TEST_KEEP_ALIVE_ARGS.join(" ")} > ${dir}/server.log 2>&1`;
const common = { reuseExistingServer: false, timeout: 60_000, stdout: "pipe" as const, stderr: "pipe" as const };
// Generous limits for the test servers: limits are counted in each console's store, and A and B
// share one, so the rate-limit tests use a console of their own with the defaults.
const limits = GENEROUS_LIMITS;
// `next start` is production, where the embedded faucet's demo mode is on only on request.
const demo = { FAUCET_DEMO: "1" };

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
  globalSetup: "./e2e/support/global-setup.ts",
  use: {
    baseURL: SERVERS.embedded.url,
    trace: "on-first-retry",
    launchOptions,
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], launchOptions } }],
  webServer: [
    {
      command: `rm -rf ${dataRoot}/embedded && ${nextStart(SERVERS.embedded.port, `${dataRoot}/embedded`)}`,
      url: `${SERVERS.embedded.url}/`,
      env: {
        CONSOLE_DATA_DIR: `${dataRoot}/embedded`,
        FAUCET_DATA_DIR: `${dataRoot}/embedded/faucet`,
        ...demo,
        ...limits,
      },
      ...common,
    },
    {
      command: `rm -rf ${dataRoot}/faucet && exec node packages/faucet-emulator/bin/faucet.js`,
      url: `${SERVERS.faucet.url}/__test/stats`,
      env: { PORT: String(SERVERS.faucet.port), FAUCET_DATA_DIR: `${dataRoot}/faucet`, FAUCET_TEST_CONTROL: "1" },
      ...common,
    },
    {
      // Consoles A and B share one PostgreSQL, as several instances behind a balancer do.
      // node itself, not the npx/tsx wrappers: the SIGTERM must reach the script so it can delete the cluster.
      command: `node --import tsx e2e/support/serve-postgres.ts ${SERVERS.postgres.port}`,
      port: SERVERS.postgres.port,
      gracefulShutdown: { signal: "SIGTERM" as const, timeout: 10_000 },
      ...common,
    },
    ...[SERVERS.remoteA, SERVERS.remoteB].map((server) => ({
      command: `rm -rf ${dataRoot}/remote-${server.port} && ${nextStart(server.port, `${dataRoot}/remote-${server.port}`)}`,
      url: `${server.url}/`,
      env: {
        FAUCET_API_URL: `${SERVERS.faucet.url}/ai-agents/api`,
        FAUCET_TIMEOUT_MS: "3000",
        CONSOLE_DATA_DIR: `${dataRoot}/remote-${server.port}`,
        DATABASE_URL: SERVERS.postgres.url,
        ...SHARED_SECRETS,
        ...limits,
      },
      ...common,
    })),
  ],
});
