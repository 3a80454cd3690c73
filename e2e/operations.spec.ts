import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createAuditDatabase, withDatabase } from "./support/audit-store";
import { readRevealedKey, signInOverHttp } from "./support/console-page";
import { seedOperator } from "./support/faucet-api";
import { OperatorFaucetControl } from "./support/operator-faucet-control";
import { FAUCET_API, GENEROUS_LIMITS, SERVERS, SHARED_SECRETS } from "./support/servers";
import { startConsole } from "./support/spawned-console";
import { dataRoot } from "./support/test-servers";

/**
 * Issue 22, on a production server of its own (`next start` of the build under test, on the
 * shared PostgreSQL in a database of its own, on the stand-alone faucet with its test controls):
 * the probes and the metrics over HTTP, the JSON log lines of a rotation, and a SIGTERM while a
 * rotation waits on a slow faucet.
 */
const METRICS_TOKEN = "e2e-metrics-token-0123456789abcdef0123456789";
const FAUCET_LATENCY_MS = 6_000;

test("probes and metrics over HTTP; SIGTERM mid-rotation: the rotation completes and is recorded, new requests are refused, exit 0; its log lines are JSON with a request id and no key", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const databaseUrl = await createAuditDatabase(SERVERS.postgres.url);
  const dataDir = path.resolve(dataRoot, "operations");
  const console_ = await startConsole({
    dataDir,
    env: {
      FAUCET_API_URL: FAUCET_API,
      FAUCET_TIMEOUT_MS: "20000",
      DATABASE_URL: databaseUrl,
      METRICS_TOKEN,
      ...SHARED_SECRETS,
      ...GENEROUS_LIMITS,
    },
  });
  let stopped = false;
  try {
    // The probes: no cookie, no Origin, never cached, health+json.
    for (const [route, status] of [
      ["/api/healthz", "pass"],
      ["/api/readyz", "pass"],
      ["/api/status", "pass"],
    ] as const) {
      const response = await fetch(`${console_.url}${route}`);
      expect(response.status, route).toBe(200);
      expect(response.headers.get("content-type")).toBe("application/health+json");
      expect(response.headers.get("cache-control")).toBe("no-store");
      const body = (await response.json()) as { status: string };
      expect(body.status, route).toBe(status);
      expect(JSON.stringify(body)).not.toMatch(/postgres|127\.0\.0\.1|version|audit_e2e/i);
    }
    expect((await fetch(`${console_.url}/api/metrics`)).status).toBe(401);
    const scraped = await fetch(`${console_.url}/api/metrics`, {
      headers: { authorization: `Bearer ${METRICS_TOKEN}` },
    });
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toContain("faucet_console_faucet_calls_total");
    expect((await fetch(`${console_.url}/`)).headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);

    const operator = await seedOperator(request, "Shutdown Operator", ["Shutdown Bot"]);
    const faucet = new OperatorFaucetControl(request, operator.operatorId);
    await signInOverHttp(page, operator.operatorKey, console_.url);
    await faucet.setFaults({ latencyMs: FAUCET_LATENCY_MS, actions: ["regenerate_agent_key"] });

    await page.getByRole("button", { name: "Rotate key for Shutdown Bot" }).click();
    await page.getByRole("alertdialog").getByRole("button", { name: "Rotate key" }).click();
    // The rotation is in flight once its pending audit event is committed (just before the faucet call).
    const pending = () =>
      withDatabase(
        databaseUrl,
        async (client) =>
          (
            await client.query(
              `select count(*)::int as n from audit_events where action = 'rotate_agent_key' and outcome = 'pending'`,
            )
          ).rows[0]?.n as number,
      );
    await expect.poll(pending, { timeout: 20_000 }).toBe(1);

    console_.terminate();
    stopped = true;
    // A new request is refused while the rotation still waits on the faucet; the probes say why.
    await expect
      .poll(async () => (await fetch(`${console_.url}/agents`, { redirect: "manual" })).status, {
        timeout: 3_000,
        intervals: [100],
      })
      .toBe(503);
    const refused = await fetch(`${console_.url}/agents`, { redirect: "manual" });
    expect(await refused.json()).toMatchObject({ ok: false, code: "shutting_down" });
    const ready = await fetch(`${console_.url}/api/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: "fail", checks: { "process:shutdown": [{ status: "fail" }] } });
    expect((await fetch(`${console_.url}/api/healthz`)).status).toBe(200);

    // The rotation completes: the browser gets its key, and the process exits 0.
    const newKey = await readRevealedKey(page);
    expect(await console_.exited).toBe(0);

    const events = await withDatabase(
      databaseUrl,
      async (client) =>
        (
          await client.query(
            `select c.outcome as outcome from audit_events e left join audit_events c on c.completes = e.id where e.action = 'rotate_agent_key' and e.completes is null`,
          )
        ).rows as { outcome: string | null }[],
    );
    expect(events).toEqual([{ outcome: "ok" }]);

    // The log: one JSON object per line from the console, the rotation's with its request and operator.
    const serverLog = readFileSync(path.join(dataDir, "server.log"), "utf8");
    const lines = serverLog
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const change = lines.find((line) => line.msg === "change finished" && line.action === "rotate_agent_key");
    expect(change).toMatchObject({
      level: "info",
      outcome: "ok",
      operatorId: operator.operatorId,
      target: `agent:${operator.agents[0]?.id}`,
    });
    expect(String(change?.requestId)).toMatch(/^[0-9a-f-]{36}$/);
    expect(typeof change?.instance).toBe("string");
    expect(lines.find((line) => line.msg === "shut down")).toMatchObject({ clean: true });
    // The canary: no key of this test anywhere in the server's output.
    for (const key of [newKey, operator.operatorKey, operator.agents[0]?.key ?? "", METRICS_TOKEN])
      expect(serverLog).not.toContain(key);
    await faucet.clearFaults();
  } finally {
    if (stopped) await console_.exited;
    else await console_.stop();
  }
});
