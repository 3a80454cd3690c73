import fc from "fast-check";
import { resetEnv } from "@/lib/config/env";
import { NextRequest } from "next/server";
import { describe, expect, it, vi } from "vitest";
import { GET as lookup } from "@/app/api/handoff/[id]/route";
import { POST as redeem } from "@/app/api/handoff/[id]/redeem/route";
import { sql } from "drizzle-orm";
import { proxy } from "@/proxy";
import { createHandoff } from "@/lib/handoff/handoffs";
import { getStore } from "@/lib/store/get-store";
import { inProcessConsoleForFile, FUZZ_RUNS } from "./support/fuzz-console";
import { asRequest } from "./support/in-process-console";
import { CONSOLE_ORIGIN } from "./support/next-headers-double";
import { queryString } from "./support/query-inputs";

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * The hand-off routes (no session: the bearer token is the credential) called in-process with
 * random ids, Authorization headers, formats and bodies: typed JSON, never a 5xx, no-store,
 * and the key only in the one 200 that redeemed it.
 */
inProcessConsoleForFile();

const HANDOFF_CODES = [
  "not_found",
  "wrong_token",
  "expired",
  "locked",
  "already_redeemed",
  "revoked",
  "missing_token",
  "invalid_input",
  "invalid_format",
  "rate_limited",
];

async function handle(
  route: typeof redeem | typeof lookup,
  id: string,
  init: { method: string; search: string; authorization?: string; body?: string },
) {
  const headers: Record<string, string> = init.authorization === undefined ? {} : { authorization: init.authorization };
  let url: URL;
  try {
    url = new URL(
      `/api/handoff/${encodeURIComponent(id)}${init.method === "POST" ? "/redeem" : ""}?${init.search}`,
      CONSOLE_ORIGIN,
    );
  } catch {
    url = new URL(`/api/handoff/x`, CONSOLE_ORIGIN);
  }
  const request = new NextRequest(url, {
    method: init.method,
    headers,
    body: init.method === "POST" ? init.body : undefined,
  });
  const outcome = await asRequest({ origin: null }, async () => route(request, { params: Promise.resolve({ id }) }));
  expect(outcome.kind).toBe("returned");
  return (outcome as { value: Response }).value;
}

describe("the hand-off routes", () => {
  it("answer random ids, tokens, formats and bodies with typed JSON, never a 5xx, and give the key once", async () => {
    process.env.RATE_LIMIT_HANDOFFS = "100000";
    resetEnv();
    const apiKey = "agent_fuzzkey0123456789abcdef0123456789ab";
    const made = await createHandoff({
      operatorId: 9_001,
      agentId: 42,
      agentName: "Fuzz Bot",
      origin: "rotate:agent:42",
      keySource: `rotation:${crypto.randomUUID()}`,
      sessionLabel: "fuzzlabel",
      apiKey,
    });
    const validHeader = `Bearer ${made.token}`;
    const id = fc.oneof(
      fc.constant(made.id),
      fc.string({ maxLength: 40 }),
      fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
      fc.constantFrom("constructor", "__proto__", "..", "%00", ""),
    );
    const authorization = fc.oneof(
      fc.constant(undefined),
      fc.constant(validHeader),
      fc.constant(`Bearer ${made.token.slice(0, -1)}x`),
      fc.constant(`bearer ${made.token}`),
      fc.stringMatching(/^[A-Za-z0-9_-]{43}$/).map((token) => `Bearer ${token}`),
      fc.string({ maxLength: 200 }).filter((value) => !/[\r\n\0]/.test(value) && /^[\x20-\x7e]*$/.test(value)),
    );
    const search = fc.oneof(
      fc.constantFrom(
        "",
        "format=json",
        "format=credentials",
        "format=env",
        "format=xml",
        "format=",
        "format=ENV&format=env",
      ),
      queryString,
    );
    const body = fc.oneof(
      fc.constant(undefined),
      fc.string({ maxLength: 200 }),
      fc.string({ minLength: 1025, maxLength: 3000 }),
    );
    let redeemed = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        id,
        authorization,
        search,
        body,
        async (isRedeem, handoffId, auth, query, text) => {
          const response = await handle(isRedeem ? redeem : lookup, handoffId, {
            method: isRedeem ? "POST" : "GET",
            search: query,
            authorization: auth,
            body: text,
          });
          expect(response.status).toBeLessThan(500);
          expect(response.headers.get("cache-control")).toBe("no-store");
          const raw = await response.text();
          if (response.status === 200) {
            if (raw.includes(apiKey)) redeemed++;
            return;
          }
          expect(raw).not.toContain(apiKey);
          const parsed = JSON.parse(raw) as { ok: boolean; code: string; message: string };
          expect(parsed.ok).toBe(false);
          expect(HANDOFF_CODES).toContain(parsed.code);
          expect(parsed.message.length).toBeGreaterThan(10);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    expect(redeemed, "the key went out at most once").toBeLessThanOrEqual(1);
    // Afterwards the real link, whatever the fuzz did to it, never gives the key again.
    const again = await handle(redeem, made.id, { method: "POST", search: "", authorization: validHeader });
    expect([410, 429]).toContain(again.status);
    expect(await again.text()).not.toContain(apiKey);
  });

  it("redeem answers the three formats with no-store, and a second redeem 410", async () => {
    process.env.RATE_LIMIT_HANDOFFS = "100000";
    resetEnv();
    for (const format of ["json", "credentials", "env"] as const) {
      const apiKey = `agent_format${format}0123456789abcdef0123456789`;
      const made = await createHandoff({
        operatorId: 9_002,
        agentId: 43,
        agentName: "Format Bot",
        origin: "create",
        keySource: `create:${crypto.randomUUID()}`,
        sessionLabel: "fuzzlabel",
        apiKey,
      });
      const authorization = `Bearer ${made.token}`;
      const looked = await handle(lookup, made.id, { method: "GET", search: "", authorization });
      expect(await looked.json()).toMatchObject({ state: "waiting", agent_id: 43, made_by: "create" });
      const bad = await handle(redeem, made.id, { method: "POST", search: "format=yaml", authorization });
      expect(bad.status).toBe(400);
      const response = await handle(redeem, made.id, { method: "POST", search: `format=${format}`, authorization });
      expect(response.status).toBe(200);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const text = await response.text();
      if (format === "env") expect(text).toBe(`LIGHTNING_WALLET_API_KEY=${apiKey}\n`);
      else if (format === "json")
        expect(JSON.parse(text)).toEqual({ api_key: apiKey, agent_id: 43, agent_name: "Format Bot" });
      else
        expect(JSON.parse(text)).toMatchObject({
          version: 1,
          active: "agent",
          agent: { api_key: apiKey, id: 43, name: "Format Bot", saved_at: expect.any(String) },
        });
      const second = await handle(redeem, made.id, { method: "POST", search: `format=${format}`, authorization });
      expect(second.status).toBe(410);
      expect(await second.json()).toMatchObject({ code: "already_redeemed" });
    }
  });

  it("limits attempts per client address", async () => {
    process.env.RATE_LIMIT_HANDOFFS = "3";
    resetEnv();
    delete (globalThis as { handoffLimiters?: unknown }).handoffLimiters;
    // This file's earlier requests came from the same address: start its count afresh.
    await (await getStore()).db.execute(sql`delete from rate_limits where key like 'handoff-clients%'`);
    const statuses = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      statuses.push(
        (
          await handle(lookup, "AAAAAAAAAAAAAAAAAAAAAA", {
            method: "GET",
            search: "",
            authorization: `Bearer ${"a".repeat(43)}`,
          })
        ).status,
      );
    }
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    const limited = await handle(lookup, "AAAAAAAAAAAAAAAAAAAAAA", {
      method: "GET",
      search: "",
      authorization: `Bearer ${"a".repeat(43)}`,
    });
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect(await limited.json()).toMatchObject({ code: "rate_limited" });
    delete (globalThis as { handoffLimiters?: unknown }).handoffLimiters;
    process.env.RATE_LIMIT_HANDOFFS = "100000";
    resetEnv();
  });
});

describe("the proxy in front of the hand-off routes", () => {
  it("lets a non-browser client through (no Origin, no session) and sends no-referrer, noindex", async () => {
    for (const [method, path] of [
      ["POST", "/api/handoff/AAAAAAAAAAAAAAAAAAAAAA/redeem?format=credentials"],
      ["GET", "/api/handoff/AAAAAAAAAAAAAAAAAAAAAA"],
      ["GET", "/handoff/AAAAAAAAAAAAAAAAAAAAAA"],
    ] as const) {
      const response = await proxy(
        new NextRequest(`${CONSOLE_ORIGIN}${path}`, {
          method,
          headers: { host: "127.0.0.1:3000", authorization: `Bearer ${"a".repeat(43)}`, "user-agent": "curl/8" },
        }),
      );
      expect(response.headers.get("x-middleware-next"), path).toBe("1");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-robots-tag")).toContain("noindex");
      expect(response.headers.get("cache-control")).toBe("no-store");
    }
    const agents = await proxy(new NextRequest(`${CONSOLE_ORIGIN}/agents`, { headers: { host: "127.0.0.1:3000" } }));
    expect(agents.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
  });
});
