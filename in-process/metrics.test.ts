import { randomUUID } from "node:crypto";
import { resetEnv } from "@/lib/config/env";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as metricsRoute } from "@/app/api/metrics/route";
import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { signIn } from "@/lib/actions/sign-in";
import { asRequest, startInProcessConsole, type InProcessConsole } from "./support/in-process-console";
import { CONSOLE_ORIGIN } from "./support/next-headers-double";

vi.mock("next/headers", () => import("./support/next-headers-double"));

const TOKEN = "metrics-token-0123456789abcdef0123456789abcdef";
const url = new URL("/api/metrics", CONSOLE_ORIGIN);

async function scrape(): Promise<string> {
  const response = await metricsRoute(new Request(url, { headers: { authorization: `Bearer ${TOKEN}` } }));
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  expect(response.headers.get("cache-control")).toBe("no-store");
  return response.text();
}

/** One sample's value (0 when the series does not exist yet), labels given in the order prom-client prints them. */
function sample(text: string, series: string): number {
  const line = text.split("\n").find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

describe("/api/metrics", () => {
  let console_: InProcessConsole;
  const saved = process.env.METRICS_TOKEN;
  beforeAll(async () => {
    console_ = await startInProcessConsole();
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.METRICS_TOKEN;
    else process.env.METRICS_TOKEN = saved;
    resetEnv();
    await console_?.close();
  });

  it("is 404 with no METRICS_TOKEN configured, and 401 without or with a wrong bearer", async () => {
    delete process.env.METRICS_TOKEN;
    resetEnv();
    expect((await metricsRoute(new Request(url, { headers: { authorization: `Bearer ${TOKEN}` } }))).status).toBe(404);
    process.env.METRICS_TOKEN = TOKEN;
    resetEnv();
    for (const authorization of [null, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, `Basic ${TOKEN}`]) {
      const response = await metricsRoute(
        new Request(url, { headers: authorization === null ? {} : { authorization } }),
      );
      expect(response.status, String(authorization)).toBe(401);
      expect(await response.text()).not.toContain("faucet_console_");
    }
  });

  it("after one rotation and one refused sign-in the counters move by exactly one, and no key, operator or agent is in it", async () => {
    process.env.METRICS_TOKEN = TOKEN;
    resetEnv();
    const operator = await console_.newOperator("Metrics Operator", ["Metrics Bot"]);
    const agent = operator.agents[0];
    if (!agent) throw new Error("no agent");
    const cookie = await console_.signInCookie(operator.operatorKey);
    const before = await scrape();

    const rotated = await asRequest({ cookie }, () =>
      rotateAgentKey({ agentId: agent.id, attemptId: randomUUID(), knownRotationAt: null, ownAttemptId: null }),
    );
    const reply = (rotated.kind === "returned" ? rotated.value : null) as {
      ok: boolean;
      data?: { newKey?: string; apiKey?: string };
    } | null;
    expect(reply?.ok).toBe(true);
    const newKey = JSON.stringify(reply).match(/agent_[A-Za-z0-9]+/)?.[0];
    expect(newKey, "the rotation's reply carries the new key").toBeDefined();

    const form = new FormData();
    form.set("operatorKey", `lf_${"0".repeat(32)}`);
    const refused = await asRequest({}, () => signIn(null, form));
    expect(refused.kind).toBe("returned");

    const after = await scrape();
    const moved = (series: string) => sample(after, series) - sample(before, series);
    expect(moved('faucet_console_changes_total{action="rotate_agent_key",outcome="ok"}')).toBe(1);
    expect(moved('faucet_console_sign_ins_total{outcome="invalid_key"}')).toBe(1);
    expect(moved('faucet_console_sign_ins_total{outcome="ok"}')).toBe(0);
    expect(moved('faucet_console_faucet_calls_total{action="regenerate_agent_key",outcome="ok"}')).toBe(1);
    expect(moved('faucet_console_faucet_calls_total{action="whoami",outcome="invalid_key"}')).toBe(1);
    expect(moved('faucet_console_faucet_call_duration_seconds_count{action="regenerate_agent_key"}')).toBe(1);
    expect(sample(after, 'faucet_console_store_query_duration_seconds_count{engine="pglite"}')).toBeGreaterThan(
      sample(before, 'faucet_console_store_query_duration_seconds_count{engine="pglite"}'),
    );
    expect(sample(after, "faucet_console_active_sessions")).toBeGreaterThanOrEqual(1);

    // The canary: nothing of a key (whole, its tail, its hex) nor an operator's or agent's id or name.
    for (const secret of [
      operator.operatorKey,
      operator.operatorKey.slice(-12),
      agent.key,
      agent.key.slice(-12),
      newKey ?? "",
      "Metrics Operator",
      "Metrics Bot",
    ]) {
      expect(after, secret).not.toContain(secret);
    }
    expect(after).not.toMatch(/(lf|agent)_[A-Za-z0-9]{8,}/);
    expect(after).not.toMatch(/operator(_id)?="?\d/);
  });
});
