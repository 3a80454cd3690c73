import { afterAll, beforeAll, expect, it, vi } from "vitest";

// The production cookie name (`__Host-fc_session`) is part of what must fit in 4,096 bytes,
// so this file runs the console's code as `next start` does. Set before any import reads it.
vi.hoisted(() => {
  (process.env as Record<string, string>).NODE_ENV = "production";
  process.env.FAUCET_DEMO = "1";
});
vi.mock("next/headers", () => import("./support/next-headers-double"));

const { randomUUID } = await import("node:crypto");
const { NextRequest } = await import("next/server");
const { GET: agentsRoute } = await import("@/app/api/agents/route");
const { rotateAgentKey } = await import("@/lib/actions/rotate-agent-key");
const { SESSION_COOKIE } = await import("@/lib/session/session-seal");
const { asRequest, startInProcessConsole } = await import("./support/in-process-console");
const { CONSOLE_ORIGIN, setCookieValue } = await import("./support/next-headers-double");

/**
 * The session cookie's capacity for cooldown timers, through the real rotation action,
 * the real codec and seal, and the store: at least 200 timers fit, the cookie never passes
 * the browser's limit, and past its capacity the user is told while the store still shows
 * every timer. (Was a browser test; e2e/session-security.spec.ts keeps one that a full
 * cookie is still accepted by a running console.)
 */
let console_: Awaited<ReturnType<typeof startInProcessConsole>>;
beforeAll(async () => {
  console_ = await startInProcessConsole();
});
afterAll(async () => {
  await console_?.close();
});

type RotationReply = { ok: boolean; data?: { warning: string | null } };

it("the cookie holds at least 200 cooldowns; past its capacity the user is told and the store still shows every timer", async () => {
  expect(SESSION_COOKIE).toBe("__Host-fc_session");
  // Consecutive ids pack densest (about 500 fit): enough agents to fill the cookie for sure.
  const names = Array.from({ length: 700 }, (_, index) => `Capacity ${String(index + 1).padStart(3, "0")}`);
  const seeded = console_.faucet.seedOperator({ name: "Capacity Operator", agentNames: names });
  let cookie = await console_.signInCookie(seeded.apiKey);
  let stored = 0;
  let warning: string | null = null;
  for (const agent of seeded.agents) {
    const outcome = await asRequest({ cookie }, () =>
      rotateAgentKey({ agentId: agent.agentId, attemptId: randomUUID(), knownRotationAt: null, ownAttemptId: null }),
    );
    const reply = (outcome.kind === "returned" ? outcome.value : null) as RotationReply | null;
    expect(reply?.ok, "the rotation itself always happens").toBe(true);
    if (reply?.data?.warning) {
      warning = reply.data.warning;
      expect(setCookieValue(SESSION_COOKIE), "a cookie that no longer fits is not written").toBeUndefined();
      break;
    }
    stored++;
    const seal = setCookieValue(SESSION_COOKIE);
    expect(seal, "each rotation renews the cookie").toBeTruthy();
    cookie = `${SESSION_COOKIE}=${seal}`;
    expect(cookie.length, "the cookie stays under the browser's limit").toBeLessThan(4096);
  }
  expect(stored).toBeGreaterThanOrEqual(200);
  expect(warning).toContain("Your session cookie is full");
  // The session still works, and the store's records show every rotation's timer and
  // key tail, the one past the cookie's capacity included: nothing is lost.
  const request = new NextRequest(new URL("/api/agents?sort=name&limit=200", CONSOLE_ORIGIN), { headers: { cookie } });
  const outcome = await asRequest({ cookie }, () => agentsRoute(request));
  const response = (outcome as { value: Response }).value;
  expect(response.status).toBe(200);
  const page = (await response.json()) as { agents: { rotatedKeyTail: string | null; cooldownUntil: number | null }[] };
  const rotated = page.agents.filter((agent) => agent.rotatedKeyTail !== null && agent.cooldownUntil !== null).length;
  expect(rotated).toBe(Math.min(200, stored + 1));
});
