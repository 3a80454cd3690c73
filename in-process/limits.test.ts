import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { setAgentActive } from "@/lib/actions/set-agent-active";
import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { signIn } from "@/lib/actions/sign-in";
import { signOut, signOutEverywhere } from "@/lib/actions/sign-out";
import { installPeerAddressHeader, peerHeaderName } from "@/lib/security/peer-address";
import { SESSION_COOKIE } from "@/lib/session/session-seal";
import { getStore } from "@/lib/store/get-store";
import { auditEvents } from "@/lib/store/schema";
import { inProcessConsoleForFile } from "./support/fuzz-console";
import { asRequest, type Outcome } from "./support/in-process-console";
import { setCookieValue } from "./support/next-headers-double";

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * The console's own limits with the default settings (env.ts), which the shared e2e consoles
 * raise: 20 rotations per operator, 10 sign-ins per client address, a minute each. Agent
 * changes are lowered to 2 so the test reaches them in three calls. Limits are counted in the
 * store, so this console of its own spends no budget any other test needs.
 */
const inProcess = inProcessConsoleForFile({ limits: "default", env: { RATE_LIMIT_AGENT_CHANGES: "2" } });

/**
 * The request headers `next start` hands the app: the private peer header that the HTTP
 * server's wrapper (peer-address.ts) set from the socket, plus whatever the client sent.
 * The wrapper itself, stripping forged copies of that header, is proven over HTTP
 * (peer-address.test.ts, and e2e/sign-in-lockout.spec.ts on a real console).
 */
let peer: (address: string, sent?: Record<string, string>) => Record<string, string>;
beforeAll(() => {
  expect(installPeerAddressHeader()).toBe(true);
  const name = peerHeaderName() ?? "";
  peer = (address, sent = {}) => ({ ...sent, [name]: address });
});

function returned<T>(outcome: Outcome<T>): T {
  if (outcome.kind !== "returned") throw new Error(`redirected to ${outcome.url}`);
  return outcome.value;
}

function signInForm(operatorKey: string): FormData {
  const form = new FormData();
  form.set("operatorKey", operatorKey);
  return form;
}

describe("the rotation limit with the default settings", () => {
  it("rotations are limited per operator, with a clear message and a retry time", async () => {
    const names = Array.from({ length: 21 }, (_, index) => `Limited ${index + 1}`);
    const { operatorKey, operatorId, agents } = await inProcess.console.newOperator("Rate Limited Operator", names);
    let cookie = await inProcess.console.signInCookie(operatorKey);
    const replies: unknown[] = [];
    for (const agent of agents) {
      const args = { agentId: agent.id, attemptId: randomUUID(), knownRotationAt: null, ownAttemptId: null };
      replies.push(returned(await asRequest({ cookie }, () => rotateAgentKey(args))));
      // Each rotation's cookie carries its cooldown timer on, as a browser would.
      const seal = setCookieValue(SESSION_COOKIE);
      if (seal) cookie = `${SESSION_COOKIE}=${seal}`;
    }
    expect(replies.slice(0, 20).every((reply) => (reply as { ok: boolean }).ok)).toBe(true);
    expect(replies[20]).toMatchObject({
      ok: false,
      code: "rate_limited",
      message: expect.stringMatching(/^Too many rotations in a minute\. Try again in \d+ s\.$/),
    });
    // The refused rotation did not happen: no faucet call, and the agent's original key still works.
    expect(inProcess.console.callsOf(operatorId).regenerate_agent_key).toBe(20);
    expect(await inProcess.console.faucetCall({ action: "whoami", api_key: agents[20]!.key })).toMatchObject({
      success: true,
      type: "agent",
    });
  });
});

describe("the sign-in limit with the default settings", () => {
  it("with the default settings a changing X-Forwarded-For does not reset the sign-in limit", async () => {
    // The defaults: 10 attempts a minute, TRUSTED_PROXY_HOPS=0 (the header is ignored).
    const attempt = async (address: string, operatorKey: string, forwardedFor: string) =>
      returned(
        await asRequest({ extraHeaders: peer(address, { "x-forwarded-for": forwardedFor }) }, () =>
          signIn(null, signInForm(operatorKey)),
        ),
      );
    const expectLimitedAfterTen = (results: unknown[]) => {
      for (const result of results.slice(0, 10))
        expect(result).toMatchObject({
          fieldErrors: { operatorKey: expect.stringContaining("does not know this key") },
        });
      for (const result of results.slice(10))
        expect(result).toMatchObject({
          message: expect.stringMatching(/^Too many sign-in attempts\. Try again in \d+ s\.$/),
        });
    };

    const sameKey = [];
    for (let index = 1; index <= 12; index++)
      sameKey.push(await attempt("127.0.0.1", "lf_00000000000000000000000000000000", `203.0.113.${index}`));
    expectLimitedAfterTen(sameKey);

    // A new key each time, from another peer: the per-key limit cannot be what refuses, only the address's.
    const newKeys = [];
    for (let index = 1; index <= 12; index++)
      newKeys.push(await attempt("127.0.0.2", `lf_${randomUUID().replaceAll("-", "")}`, `203.0.113.${index}`));
    expectLimitedAfterTen(newKeys);
  });
});

describe("anonymous refusals", () => {
  it("300 requests with no cookie write a bounded number of audit rows", async () => {
    const userAgent = `flood/${randomUUID()}`;
    const from = (origin?: null) => ({ origin, extraHeaders: peer("127.0.0.3", { "user-agent": userAgent }) });
    for (let index = 0; index < 75; index++) {
      // Forged sign-outs (no Origin), a malformed sign-in, a sign-in with no Origin.
      await asRequest(from(null), () => signOut());
      await asRequest(from(null), () => signOutEverywhere());
      await asRequest(from(), () => signIn(null, signInForm("")));
      await asRequest(from(null), () => signIn(null, signInForm(`lf_${randomUUID().replaceAll("-", "")}`)));
    }

    const { db } = await getStore();
    const rows = await db
      .select({ action: auditEvents.action, refusal: auditEvents.refusal })
      .from(auditEvents)
      .where(eq(auditEvents.userAgent, userAgent))
      .orderBy(auditEvents.seq);
    const kinds = new Set(rows.map((row) => `${row.action}:${row.refusal}`));
    // Each kind is on record (the first of each address, kind and minute); the rest were counted, not written.
    expect(kinds).toEqual(
      new Set([
        "sign_out:forbidden_origin",
        "sign_out_everywhere:forbidden_origin",
        "sign_in:invalid_input",
        "sign_in:forbidden_origin",
      ]),
    );
    // One row per kind and minute: four kinds, over at most two windows if the run straddles one.
    expect(rows.length).toBeLessThanOrEqual(8);
  });
});

describe("the console's own limit", () => {
  it("a change over RATE_LIMIT_AGENT_CHANGES is refused with the wait and no faucet call", async () => {
    const { operatorKey, operatorId, agents } = await inProcess.console.newOperator("Limited Changes Operator", [
      "Fault Life Bot",
    ]);
    const agentId = agents[0]!.id;
    const cookie = await inProcess.console.signInCookie(operatorKey);
    const change = async (isActive: boolean) =>
      returned(await asRequest({ cookie }, () => setAgentActive({ agentId, isActive })));
    // Deactivate, then reactivate: the two changes the limit allows.
    expect(await change(false)).toMatchObject({ ok: true });
    expect(await change(true)).toMatchObject({ ok: true });
    expect(inProcess.console.callsOf(operatorId).update_agent).toBe(2);
    // What the dialog shows in its alert is the failure's message, verbatim (agent-change-dialog.tsx).
    expect(await change(false)).toMatchObject({
      ok: false,
      code: "rate_limited",
      message: expect.stringMatching(/^Too many agent changes in a minute\. Try again in \d+ s\.$/),
    });
    expect(inProcess.console.callsOf(operatorId).update_agent).toBe(2);
  });
});
