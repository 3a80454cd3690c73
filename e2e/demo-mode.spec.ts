import { readFileSync } from "node:fs";
import { expect, test } from "@playwright/test";
import { dataRoot } from "../playwright.config";
import { refusedStart as startRefused, startConsole, type SpawnedConsole } from "./support/spawned-console";
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

test.describe("a demo console with small limits", () => {
  let demo: SpawnedConsole | undefined;
  let dataDir = "";
  test.beforeAll(async () => {
    // startConsole waits up to 60 s for the server: more than the 45 s a hook gets by default.
    test.setTimeout(120_000);
    dataDir = `${dataRoot}/demo-limits-${Date.now()}`;
    demo = await startConsole({
      dataDir,
      env: {
        FAUCET_DEMO: "1",
        FAUCET_DATA_DIR: `${dataDir}/faucet`,
        FAUCET_DEMO_KEYLESS_CALLS: "4",
        FAUCET_DEMO_MAX_OPERATORS: "3",
        FAUCET_DEMO_MAX_AGENTS: "1",
      },
    });
  });
  test.afterAll(async () => {
    await demo?.stop();
  });

  test("start-up says it is in demo mode; keyless calls are limited per client; operators and agents are capped", async ({
    request,
    page,
  }) => {
    const endpoint = `${demo!.url}/ai-agents/api`;
    expect(readFileSync(`${dataDir}/server.log`, "utf8")).toContain("Faucet Console: DEMO MODE: embedded faucet");
    await page.goto(`${demo!.url}/`);
    await expect(page.getByRole("button", { name: "Use demo operator" })).toBeVisible();

    const register = (name: string) => request.post(endpoint, { data: { action: "register", name } });
    // The seed holds the demo operator: two more fit under the cap of three.
    const first = await register("First");
    expect(await first.json()).toMatchObject({ success: true });
    expect(await (await register("Second")).json()).toMatchObject({ success: true });
    const full = await register("Third");
    expect(full.status()).toBe(200);
    expect(await full.json()).toMatchObject({
      success: false,
      error_code: "limit_reached",
      error: "This demo faucet holds at most 3 operators and is full; no more can register.",
    });

    // The fourth keyless call from this address is the last this minute; a forged X-Forwarded-For changes nothing.
    expect(
      (
        await request.post(endpoint, { data: { action: "get_info" }, headers: { "x-forwarded-for": "198.51.100.7" } })
      ).status(),
    ).toBe(200);
    const limited = await request.post(endpoint, {
      data: { action: "register", name: "Fifth" },
      headers: { "x-forwarded-for": "198.51.100.8" },
    });
    expect(limited.status()).toBe(429);
    expect(await limited.json()).toMatchObject({
      success: false,
      error_code: "rate_limited",
      error: expect.stringMatching(/^Too many calls without a key from this address; retry in \d+ s\.$/),
    });

    // Calls with a real key are not keyless: the operator still works, within its agent cap.
    const operatorKey = String(((await first.json()) as { api_key: string }).api_key);
    expect(
      await (
        await request.post(endpoint, { data: { action: "create_agent", api_key: operatorKey, name: "Only Bot" } })
      ).json(),
    ).toMatchObject({ success: true });
    expect(
      await (
        await request.post(endpoint, { data: { action: "create_agent", api_key: operatorKey, name: "Second Bot" } })
      ).json(),
    ).toMatchObject({
      success: false,
      error_code: "limit_reached",
      error: "This demo faucet allows at most 1 agents per operator; this operator has 1.",
    });
  });
});
