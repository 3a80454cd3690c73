import { NextRequest } from "next/server";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { POST as faucetEndpoint } from "@/app/ai-agents/api/route";
import { isDemoMode } from "@/lib/config/env";
import { installPeerAddressHeader, peerHeaderName } from "@/lib/security/peer-address";
import { inProcessConsoleForFile } from "./support/fuzz-console";
import { asRequest } from "./support/in-process-console";
import { CONSOLE_ORIGIN } from "./support/next-headers-double";

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * SECURITY.md, demo mode: a demo console's embedded faucet endpoint with small limits, in
 * process. The faucet is the one the console opens for itself (getEmbeddedFaucet: seeded demo
 * operator, caps from FAUCET_DEMO_MAX_*), the limits are the defaults (TRUSTED_PROXY_HOPS=0)
 * with these three lowered, and each call carries the peer header `next start` stamps from the
 * socket. That stamping, and forged copies of the header being stripped, are proven over HTTP
 * (lib/security/peer-address.test.ts, e2e/sign-in-lockout.spec.ts); demo mode's start-up line
 * and its "Use demo operator" button are e2e/demo-mode.spec.ts's and e2e/sign-in.spec.ts's.
 */
const inProcess = inProcessConsoleForFile({
  limits: "default",
  faucet: "demo",
  env: {
    FAUCET_DEMO: "1",
    TRUSTED_PROXY_HOPS: "0",
    FAUCET_DEMO_KEYLESS_CALLS: "4",
    FAUCET_DEMO_MAX_OPERATORS: "3",
    FAUCET_DEMO_MAX_AGENTS: "1",
  },
});

let peerHeader = "";
beforeAll(() => {
  expect(installPeerAddressHeader()).toBe(true);
  peerHeader = peerHeaderName() ?? "";
});

/** One POST to /ai-agents/api from 127.0.0.1, as Playwright's request context sends it to `next start`. */
async function post(body: Record<string, unknown>, sent: Record<string, string> = {}): Promise<Response> {
  const request = new NextRequest(new URL("/ai-agents/api", CONSOLE_ORIGIN), {
    method: "POST",
    headers: { ...sent, "content-type": "application/json", [peerHeader]: "127.0.0.1" },
    body: JSON.stringify(body),
  });
  const outcome = await asRequest({ extraHeaders: { [peerHeader]: "127.0.0.1" } }, async () => faucetEndpoint(request));
  if (outcome.kind !== "returned") throw new Error(`/ai-agents/api redirected to ${outcome.url}`);
  return outcome.value;
}

describe("a demo console with small limits", () => {
  it("keyless calls are limited per client; operators and agents are capped", async () => {
    expect(isDemoMode()).toBe(true);
    expect(inProcess.console.faucet.demoOperatorKey()).toMatch(/^lf_[0-9a-f]{32}$/);

    const register = (name: string) => post({ action: "register", name });
    // The seed holds the demo operator: two more fit under the cap of three.
    const first = await register("First");
    const firstReply = (await first.json()) as { api_key: string };
    expect(firstReply).toMatchObject({ success: true });
    expect(await (await register("Second")).json()).toMatchObject({ success: true });
    const full = await register("Third");
    expect(full.status).toBe(200);
    expect(await full.json()).toMatchObject({
      success: false,
      error_code: "limit_reached",
      error: "This demo faucet holds at most 3 operators and is full; no more can register.",
    });

    // The fourth keyless call from this address is the last this minute; a forged X-Forwarded-For changes nothing.
    expect((await post({ action: "get_info" }, { "x-forwarded-for": "198.51.100.7" })).status).toBe(200);
    const limited = await post({ action: "register", name: "Fifth" }, { "x-forwarded-for": "198.51.100.8" });
    expect(limited.status).toBe(429);
    expect(await limited.json()).toMatchObject({
      success: false,
      error_code: "rate_limited",
      error: expect.stringMatching(/^Too many calls without a key from this address; retry in \d+ s\.$/),
    });

    // Calls with a real key are not keyless: the operator still works, within its agent cap.
    const operatorKey = String(firstReply.api_key);
    expect(await (await post({ action: "create_agent", api_key: operatorKey, name: "Only Bot" })).json()).toMatchObject(
      { success: true },
    );
    expect(
      await (await post({ action: "create_agent", api_key: operatorKey, name: "Second Bot" })).json(),
    ).toMatchObject({
      success: false,
      error_code: "limit_reached",
      error: "This demo faucet allows at most 1 agents per operator; this operator has 1.",
    });
  });
});
