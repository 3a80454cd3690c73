import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { dataRoot } from "./support/test-servers";
import { refusedStart as startRefused } from "./support/spawned-console";
import { SERVERS } from "./support/servers";

/**
 * SECURITY.md, demo mode: in production the embedded faucet's demo operator and HTTP
 * endpoint exist only with FAUCET_DEMO=1; when they do, keyless calls are limited per
 * client address, operators and agents are capped, and the endpoint takes only JSON.
 */

const refusedStart = (env: Record<string, string>) => startRefused(env, `${dataRoot}/refused-${Date.now()}`);

// One real refused start proves the wiring (a ConfigError at start-up exits 1 with its message); the other
// refusals, e.g. a plain-http FAUCET_API_URL off loopback, are lib/config/env.test.ts's, without a `next start` each.
test("in production without FAUCET_API_URL or FAUCET_DEMO=1 the console refuses to start, saying what to set", async () => {
  test.setTimeout(60_000);
  // Empty counts as unset.
  const refused = await refusedStart({ FAUCET_API_URL: "", FAUCET_DEMO: "" });
  expect(refused.code).toBe(1);
  expect(refused.output).toContain(
    "Faucet Console cannot start: no faucet configured. In production set FAUCET_API_URL",
  );
  expect(refused.output).toContain("FAUCET_DEMO=1");
});

test("a production console on a real faucet has no demo operator and no faucet endpoint", async ({ page, request }) => {
  // Console A: production, FAUCET_API_URL set, no FAUCET_DEMO.
  await page.goto(`${SERVERS.remoteA.url}/`);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Use demo operator" })).toHaveCount(0);
  const endpoint = await request.post(`${SERVERS.remoteA.url}/ai-agents/api`, {
    data: { action: "register", name: "Nobody" },
  });
  expect(endpoint.status()).toBe(404);
});

test("the demo endpoint takes only JSON: a cross-site form or text/plain POST is refused before it runs", async ({
  request,
}) => {
  const endpoint = `${SERVERS.embedded.url}/ai-agents/api`;
  for (const contentType of ["text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded"]) {
    const response = await request.post(endpoint, {
      data: JSON.stringify({ action: "register", name: "Cross Site" }),
      headers: { "content-type": contentType, origin: "https://evil.example" },
    });
    expect(response.status(), contentType).toBe(415);
    expect(await response.json()).toEqual({ success: false, error: "Content-Type must be application/json" });
  }
});

// The small limits (keyless calls per client, the operator and agent caps) are in-process/demo-limits.test.ts's,
// without a `next start` of their own. The shared embedded console is a demo console (generous limits): its
// start-up line is checked here, and its "Use demo operator" button is clicked on "/" by e2e/sign-in.spec.ts.
test("start-up says it is in demo mode", () => {
  expect(readFileSync(`${dataRoot}/embedded/server.log`, "utf8")).toContain(
    "Faucet Console: DEMO MODE: embedded faucet",
  );
});
