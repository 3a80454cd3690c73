import { randomUUID } from "node:crypto";
import { NextRequest } from "next/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { GET as matchingAgents } from "@/app/api/agents/matching/route";
import { POST as bulkRotate } from "@/app/api/bulk/rotate-agent-key/route";
import { POST as bulkRuns } from "@/app/api/bulk/runs/route";
import { envText, sheetRows } from "@/components/incident/key-sheet";
import { resolveSelection, type SelectedAgent } from "@/components/incident/selection";
import { prepareBulkRun, rotateCall, runOutcomes, type BulkCall } from "@/components/incident/use-bulk-run";
import { DEFAULT_VIEW } from "@/lib/agents/agents-view";
import { BULK_CONCURRENCY } from "@/lib/config/env";
import { inProcessConsoleForFile } from "./support/fuzz-console";
import { asRequest } from "./support/in-process-console";
import { CONSOLE_ORIGIN } from "./support/next-headers-double";

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * Incident mode's 1,000-agent rotation with faults in the middle, as the browser runs it: the
 * panel's own code (resolveSelection for "Select all", prepareBulkRun and rotateCall, the run's
 * outcomes, the sheet's rows and .env text) with its fetches answered by the console's real route
 * handlers, in process. The emulator's per-operator call counts are the oracle. What only a browser
 * shows (the dialogs, the progress, the virtualised DOM, the clipboard, no key left behind) is
 * e2e/incident.spec.ts's, on a smaller fleet.
 */
const inProcess = inProcessConsoleForFile();
const ROTATE = "regenerate_agent_key";
const FLEET = 1000;

const ROUTES: Record<string, (request: NextRequest) => Promise<Response> | Response> = {
  "GET /api/agents/matching": matchingAgents,
  "POST /api/bulk/runs": bulkRuns,
  "POST /api/bulk/rotate-agent-key": bulkRotate,
};

/** The browser's fetch for a tab signed in with `cookie`: same-origin paths go to the route handlers. */
function consoleFetch(cookie: string): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input), CONSOLE_ORIGIN);
    const method = init?.method ?? "GET";
    const route = ROUTES[`${method} ${url.pathname}`];
    if (!route) throw new Error(`no route for ${method} ${url.pathname} in this test`);
    const headers = new Headers(init?.headers);
    headers.set("cookie", cookie);
    headers.set("origin", CONSOLE_ORIGIN);
    const request = new NextRequest(url, { method, headers, body: init?.body ?? null });
    const outcome = await asRequest({ cookie }, async () => route(request));
    if (outcome.kind !== "returned") throw new Error(`${url.pathname} redirected to ${outcome.url}`);
    return outcome.value;
  };
}

/** The .env text of a finished run's sheet, read back as agent id → key. */
function envKeys(run: Parameters<typeof runOutcomes>[0]): Map<number, string> {
  const keys = new Map<number, string>();
  const text = envText(sheetRows(run.run.states(), run.agents, CONSOLE_ORIGIN));
  for (const line of text.trim().split("\n")) {
    const match = /^AGENT_(\d+)_API_KEY=(agent_[0-9a-f]{32})$/.exec(line);
    expect(match, `a .env line: ${line}`).not.toBeNull();
    keys.set(Number(match![1]), match![2]!);
  }
  return keys;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("incident mode in process", () => {
  it("1,000 agents with faults in the middle: one call each, unknown ones listed and rotated again, every key on the sheet works", async () => {
    const { console: faucetConsole } = inProcess;
    const names = Array.from({ length: FLEET }, (_, index) => `Fleet ${String(index + 1).padStart(4, "0")}`);
    // One write, as the stand-alone faucet's /__test/seed does for the e2e.
    const seeded = faucetConsole.faucet.seedOperator({ name: "Incident Operator", agentNames: names });
    const { operatorId } = seeded;
    const cookie = await faucetConsole.signInCookie(seeded.apiKey);
    vi.stubGlobal("fetch", consoleFetch(cookie));
    const rotations = () => faucetConsole.callsOf(operatorId)[ROTATE] ?? 0;
    const faultsAt = new Map([
      [200, { failWithStatus: 502, actions: [ROTATE], times: 5 }],
      [400, { dropReplyAfterCommit: true, actions: [ROTATE], times: 5 }],
      [
        600,
        {
          refuseWith: { error_code: "rate_limited", error: "Too many requests", retry_after: 1 },
          actions: [ROTATE],
          times: 3,
        },
      ],
    ]);
    // Faults in the middle of the run, one kind after another (a fault set replaces the last), once
    // 200, 400 and 600 calls have answered.
    let answered = 0;
    const call: BulkCall = async (agent, ids) => {
      const result = await rotateCall(agent, ids);
      const faults = faultsAt.get(++answered);
      if (faults) faucetConsole.faucet.setFaults({ ...faults, operatorIds: [operatorId] });
      return result;
    };

    // "Select all 1,000 matching", resolved as the panel does when the action starts.
    const selected = await resolveSelection({ kind: "all", view: DEFAULT_VIEW, matching: FLEET, except: new Set() });
    expect(selected.map((agent) => agent.name)).toEqual(names);
    const attempts = new Map<number, string>();
    const start = async (agents: readonly SelectedAgent[], again: boolean) => {
      const prepared = await prepareBulkRun({
        kind: "rotate",
        agents,
        call,
        again,
        attempts,
        concurrency: BULK_CONCURRENCY,
      });
      if ("message" in prepared) throw new Error(`the console did not start the run: ${prepared.message}`);
      return { ...prepared, progress: await prepared.run.start() };
    };

    const first = await start(selected, false);
    expect(first.progress).toMatchObject({ done: 990, refused: 0, unknown: 10, remaining: 0, finished: true });
    // One call per agent, plus the three rate-limited ones sent again after their wait.
    expect(rotations()).toBe(FLEET + 3);

    // Every key on the sheet works at the faucet for its own agent.
    const env = envKeys(first);
    expect(env.size).toBe(990);
    for (const [agentId, key] of env)
      expect(await faucetConsole.faucetCall({ action: "whoami", api_key: key })).toMatchObject({
        success: true,
        type: "agent",
        id: agentId,
      });

    // The unknown ones are exactly the agents without a key; "Rotate again" sends each once more.
    const { unknown, refused } = runOutcomes(first);
    expect(refused).toEqual([]);
    const byId = (a: number, b: number) => a - b;
    const withoutKey = selected.filter((agent) => !env.has(agent.id)).map((agent) => agent.id);
    expect(withoutKey).toHaveLength(10);
    expect(unknown.map((agent) => agent.id).sort(byId)).toEqual(withoutKey.sort(byId));

    const again = await start(unknown, true);
    expect(again.progress).toMatchObject({ done: 10, refused: 0, unknown: 0, remaining: 0 });
    const retried = envKeys(again);
    expect([...retried.keys()].sort(byId)).toEqual(withoutKey);
    for (const [agentId, key] of retried)
      expect(await faucetConsole.faucetCall({ action: "whoami", api_key: key })).toMatchObject({
        success: true,
        type: "agent",
        id: agentId,
      });
    expect(rotations()).toBe(FLEET + 3 + 10);
    // 1,013 audited rotations and 1,000 whoami calls: about 25 s alone, over 80 s on a loaded 2-core machine.
  }, 240_000);

  // Moved from e2e/incident.spec.ts: a property of the two routes alone, no browser needed.
  it("the bulk routes accept only a batch id the server issued to this operator, for at most the run's size", async () => {
    const { console: faucetConsole } = inProcess;
    const { operatorKey, operatorId, agents } = await faucetConsole.newOperator("Batch Id Operator", [
      "Fleet 0001",
      "Fleet 0002",
      "Fleet 0003",
    ]);
    const other = await faucetConsole.newOperator("Other Batch Operator", ["Fleet 0001"]);
    const [cookie, otherCookie] = [
      await faucetConsole.signInCookie(operatorKey),
      await faucetConsole.signInCookie(other.operatorKey),
    ];
    const rotations = () => faucetConsole.callsOf(operatorId)[ROTATE] ?? 0;
    const post = async (path: string, data: object, withCookie = cookie) => {
      const response = await consoleFetch(withCookie)(path, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(data),
      });
      expect(response.status, path).toBe(200);
      return (await response.json()) as {
        ok: boolean;
        code?: string;
        message?: string;
        data?: { batchId: string; expiresAt: number };
      };
    };
    const rotateIn = (batchId: string, agentId: number) =>
      post("/api/bulk/rotate-agent-key", {
        agentId,
        batchId,
        attemptId: randomUUID(),
        knownRotationAt: null,
        ownAttemptId: null,
      });

    expect(await rotateIn("9c0f3c1e-3d4e-4f5a-8b6c-7d8e9fa0b1c2", agents[0]!.id), "a made-up batch id").toMatchObject({
      ok: false,
      code: "invalid_input",
      message: expect.stringContaining("not started by the console"),
    });
    const { batchId } = (await post("/api/bulk/runs", { kind: "rotate", size: 1 }, otherCookie)).data!;
    expect(await rotateIn(batchId, agents[0]!.id), "another operator's run").toMatchObject({
      ok: false,
      code: "invalid_input",
    });
    expect(await post("/api/bulk/runs", { kind: "rotate", size: 0 }), "a run of no agents").toMatchObject({
      ok: false,
      code: "invalid_input",
    });
    expect(rotations()).toBe(0);

    const run = await post("/api/bulk/runs", { kind: "rotate", size: 2 });
    expect(run).toMatchObject({
      ok: true,
      data: { batchId: expect.stringMatching(/^[0-9a-f-]{36}$/), expiresAt: expect.any(Number) },
    });
    expect(await rotateIn(run.data!.batchId, agents[0]!.id)).toMatchObject({ ok: true });
    expect(await rotateIn(run.data!.batchId, agents[1]!.id)).toMatchObject({ ok: true });
    expect(await rotateIn(run.data!.batchId, agents[2]!.id), "a third call in a run of two").toMatchObject({
      ok: false,
      code: "invalid_input",
    });
    expect(rotations()).toBe(2);
  });
});
