import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import { POST as faucetEndpoint } from "@/app/ai-agents/api/route";
import { GET as matchingAgents } from "@/app/api/agents/matching/route";
import { GET as agentsPage } from "@/app/api/agents/route";
import { POST as bulkConnectHost } from "@/app/api/bulk/connect-agent-host/route";
import { POST as bulkRotate } from "@/app/api/bulk/rotate-agent-key/route";
import { POST as bulkSetActive } from "@/app/api/bulk/set-agent-active/route";
import { GET as auditEvents } from "@/app/audit/events/route";
import { GET as auditExport } from "@/app/audit/export/route";
import {
  agentsQuery,
  bulkBody,
  bulkContentType,
  cookieArbitrary,
  isValidRotateAgentInput,
  TYPED_CODES,
} from "./support/action-inputs";
import { inProcessConsoleForFile, FUZZ_RUNS } from "./support/fuzz-console";
import { asRequest } from "./support/in-process-console";
import { CONSOLE_ORIGIN } from "./support/next-headers-double";
import { queryString } from "./support/query-inputs";
import { setAgentActiveSchema } from "@/lib/agents/agent-change-schemas";
import { issueBulkRun } from "@/lib/changes/bulk-runs";
import { bulkConnectHostSchema } from "@/lib/hosts/connect-host";

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * The route handlers called in-process with random requests, 1,000 each: typed JSON (or
 * the CSV), never a 5xx, and no faucet call for a refused body. Their HTTP samples are in
 * e2e/fuzz-actions.spec.ts and e2e/query-fuzz.spec.ts.
 */
const inProcess = inProcessConsoleForFile();

/** A request as the browser sends it, with its cookie in both places the code may read it. */
async function handle(
  route: (request: NextRequest) => Promise<Response> | Response,
  url: string,
  init: { method?: string; body?: string; headers?: Record<string, string>; cookie?: string },
) {
  const headers: Record<string, string> = { ...init.headers, ...(init.cookie ? { cookie: init.cookie } : {}) };
  const request = new NextRequest(new URL(url, CONSOLE_ORIGIN), {
    method: init.method ?? "GET",
    headers,
    body: init.body,
  });
  const outcome = await asRequest({ cookie: init.cookie, origin: headers.origin ?? null }, async () => route(request));
  expect(outcome.kind, "a route answers; it never redirects by throwing").toBe("returned");
  return (outcome as { value: Response }).value;
}

describe("the bulk JSON routes", () => {
  const BULK_ROUTES = [
    ["rotate-agent-key", bulkRotate, isValidRotateAgentInput],
    ["set-agent-active", bulkSetActive, (value: unknown) => setAgentActiveSchema.safeParse(value).success],
    ["connect-agent-host", bulkConnectHost, (value: unknown) => bulkConnectHostSchema.safeParse(value).success],
  ] as const;
  for (const [name, route, isValid] of BULK_ROUTES) {
    it(`/api/bulk/${name} answers random bodies, content types and cookies with typed JSON and no faucet call`, async () => {
      const { operatorKey, operatorId } = await inProcess.console.newOperator(`Bulk Fuzz ${name}`, [
        "Bulk Fuzz Target",
      ]);
      const validCookie = await inProcess.console.signInCookie(operatorKey);
      const before = inProcess.console.callsOf(operatorId);
      const allBefore = inProcess.console.faucet.stats().calls;
      const body = bulkBody.filter((text) => {
        try {
          return !isValid(JSON.parse(text));
        } catch {
          return true;
        }
      });
      await fc.assert(
        fc.asyncProperty(body, bulkContentType, cookieArbitrary(validCookie), async (text, contentType, cookie) => {
          const response = await handle(route, `/api/bulk/${name}`, {
            method: "POST",
            body: text,
            headers: { "content-type": contentType, origin: CONSOLE_ORIGIN },
            cookie,
          });
          expect(response.status).toBeLessThan(500);
          expect(response.headers.get("cache-control")).toBe("no-store");
          const result = (await response.json()) as { ok: boolean; code: string };
          expect(result.ok).toBe(false);
          expect(TYPED_CODES).toContain(result.code);
        }),
        { numRuns: FUZZ_RUNS },
      );
      expect(inProcess.console.callsOf(operatorId), "no faucet call for rejected input").toEqual(before);
      expect(inProcess.console.faucet.stats().calls, "no faucet call at all").toEqual(allBefore);
    });
  }

  it("/api/bulk/connect-agent-host makes a link only in a live connect-host run of this operator, for at most its size (a call that made none gives its place back), and for its own agents", async () => {
    const { operatorKey, operatorId, agents } = await inProcess.console.newOperator("Bulk Enrol Operator", [
      "Bulk Enrol Target",
    ]);
    const agent = agents[0]!;
    const cookie = await inProcess.console.signInCookie(operatorKey);
    const post = async (body: object) =>
      (await (
        await handle(bulkConnectHost, "/api/bulk/connect-agent-host", {
          method: "POST",
          body: JSON.stringify(body),
          headers: { "content-type": "application/json", origin: CONSOLE_ORIGIN },
          cookie,
        })
      ).json()) as { ok: boolean; code?: string; data?: { id: string; token: string; expiresAt: number } };
    const link = { agentId: agent.id, agentName: agent.name };
    const refused = { ok: false, code: "invalid_input" };
    // A made-up run, and a live run of another kind: no link.
    expect(await post({ ...link, batchId: randomUUID() })).toMatchObject(refused);
    expect(await post({ ...link, batchId: (await issueBulkRun(operatorId, "rotate", 5)).batchId })).toMatchObject(
      refused,
    );
    const run = await issueBulkRun(operatorId, "connect-host", 1);
    const made = await post({ ...link, batchId: run.batchId });
    expect(made).toMatchObject({ ok: true, data: { id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/) } });
    expect(made.data!.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The run had one call: a second is refused.
    expect(await post({ ...link, batchId: run.batchId })).toMatchObject(refused);
    // Another operator's agent (or none): not found, no link.
    const other = await issueBulkRun(operatorId, "connect-host", 1);
    expect(await post({ agentId: 2_000_000_000, agentName: "Not Mine", batchId: other.batchId })).toMatchObject({
      ok: false,
      code: "not_found",
    });
    // A call that made no link gave its place back: the run of one still makes its link.
    expect(await post({ ...link, batchId: other.batchId })).toMatchObject({ ok: true });
  });
});

describe("the agents data routes", () => {
  it("/api/agents and /api/agents/matching answer random queries and cookies with JSON, never a 5xx", async () => {
    const { operatorKey } = await inProcess.console.newOperator("Fuzz Reader", ["Reader Bot"]);
    const validCookie = await inProcess.console.signInCookie(operatorKey);
    let signedIn = 0;
    await fc.assert(
      fc.asyncProperty(agentsQuery, cookieArbitrary(validCookie), async (query, cookie) => {
        const search = new URLSearchParams(query).toString();
        const response = await handle(agentsPage, `/api/agents?${search}`, { cookie });
        expect([200, 401]).toContain(response.status);
        const body = (await response.json()) as { agents?: unknown[]; reason?: string };
        if (response.status === 200) {
          signedIn++;
          expect(body.agents!.length).toBeLessThanOrEqual(200);
        } else expect(body.reason).toBe("signed_out");
        const matching = await handle(matchingAgents, `/api/agents/matching?${search}`, { cookie });
        expect(matching.status).toBe(response.status);
        await matching.json();
      }),
      { numRuns: FUZZ_RUNS },
    );
    expect(signedIn, "both halves ran").toBeGreaterThan(FUZZ_RUNS / 10);
  });
});

describe("the audit log's routes", () => {
  it("random query strings on /audit/events and /audit/export answer 200 (or 401 signed out), never a 5xx", async () => {
    const { operatorKey } = await inProcess.console.newOperator("Query Fuzz Audit Routes", ["Fuzz Bot"]);
    const cookie = await inProcess.console.signInCookie(operatorKey);
    await fc.assert(
      fc.asyncProperty(
        queryString,
        fc.boolean(),
        fc.constantFrom("/audit/events", "/audit/export"),
        async (query, signedIn, path) => {
          const route = path === "/audit/events" ? auditEvents : auditExport;
          const response = await handle(route, `${path}?${query}`, { cookie: signedIn ? cookie : undefined });
          expect(response.status, `${path}?${query}`).toBe(signedIn ? 200 : 401);
          if (signedIn && path === "/audit/export") expect((await response.text()).startsWith("time_utc,")).toBe(true);
          if (signedIn && path === "/audit/events")
            expect(await response.json()).toMatchObject({ entries: expect.any(Array) });
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe("the embedded faucet's HTTP endpoint", () => {
  it("answers random bodies with a refusal, never a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.jsonValue().map((value) => JSON.stringify(value)),
          fc.string({ maxLength: 500 }),
        ),
        async (body) => {
          const response = await handle(faucetEndpoint, "/ai-agents/api", {
            method: "POST",
            body,
            headers: { "content-type": "application/json" },
          });
          expect(response.status).toBe(200);
          const reply = (await response.json()) as { success: boolean; error?: string };
          expect(reply.success).toBe(false);
          expect(reply.error).toBeTruthy();
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });
});
