import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { GET as listHandoffs } from "@/app/api/handoffs/route";
import { createAgent } from "@/lib/actions/create-agent";
import { handOffKey, revokeHandoffAction } from "@/lib/actions/hand-off-key";
import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { redeemHandoff } from "@/lib/handoff/handoffs";
import { inProcessConsoleForFile } from "./support/fuzz-console";
import { asRequest } from "./support/in-process-console";
import { CONSOLE_ORIGIN } from "./support/next-headers-double";

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * The hand-off's server actions on the in-process console: "Hand off to agent" seals only the key
 * a rotation of this session just made for that agent, once; "Hand off without showing me the key"
 * answers no key; both authenticate and refuse a foreign Origin before anything.
 */
const inProcess = inProcessConsoleForFile();
const client = { address: "198.51.100.7", userAgent: "test" };

async function returned<T>(request: { cookie?: string; origin?: string | null }, work: () => Promise<T>): Promise<T> {
  const outcome = await asRequest(request, work);
  if (outcome.kind !== "returned") throw new Error(`redirected to ${outcome.url}`);
  return outcome.value;
}

describe("hand-off actions", () => {
  it("Hand off to agent seals the key just revealed, once, and nothing else", async () => {
    const { operatorKey, agents } = await inProcess.console.newOperator("Handoff Actions", [
      "Research Bot",
      "Other Bot",
    ]);
    const [agent, other] = agents as [(typeof agents)[0], (typeof agents)[0]];
    const cookie = await inProcess.console.signInCookie(operatorKey);
    const attemptId = randomUUID();
    const rotated = await returned({ cookie }, () =>
      rotateAgentKey({ agentId: agent.id, attemptId, knownRotationAt: null, ownAttemptId: null }),
    );
    expect(rotated).toMatchObject({ ok: true });
    const apiKey = (rotated as { data: { apiKey: string } }).data.apiKey;
    const request = { agentId: agent.id, agentName: agent.name, apiKey, attemptId };

    expect(await returned({}, () => handOffKey(request))).toMatchObject({ ok: false, code: "signed_out" });
    expect(await returned({ cookie, origin: "https://evil.example" }, () => handOffKey(request))).toMatchObject({
      ok: false,
      code: "forbidden_origin",
    });
    expect(await returned({ cookie }, () => handOffKey({ ...request, apiKey: agent.key }))).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect(await returned({ cookie }, () => handOffKey({ ...request, agentId: other.id }))).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect(await returned({ cookie }, () => handOffKey({ ...request, attemptId: randomUUID() }))).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect(await returned({ cookie }, () => handOffKey({ ...request, extra: 1 }))).toMatchObject({
      ok: false,
      code: "invalid_input",
    });

    const made = await returned({ cookie }, () => handOffKey(request));
    expect(made).toMatchObject({ ok: true, data: { id: expect.any(String), token: expect.any(String) } });
    expect(await returned({ cookie }, () => handOffKey(request)), "one hand-off per rotation").toMatchObject({
      ok: false,
      code: "invalid_input",
    });
    const { id, token } = (made as { data: { id: string; token: string } }).data;
    expect(await redeemHandoff(id, token, client)).toMatchObject({ ok: true, apiKey });
  });

  it("Hand off without showing me the key answers a link and no key; the link gives the key; revoke works once", async () => {
    const { operatorKey, agents } = await inProcess.console.newOperator("Unseen Actions", ["Quiet Bot", "Revoked Bot"]);
    const cookie = await inProcess.console.signInCookie(operatorKey);
    const rotateHandingOff = (agentId: number) =>
      returned({ cookie }, () =>
        rotateAgentKey({
          agentId,
          attemptId: randomUUID(),
          knownRotationAt: null,
          ownAttemptId: null,
          handOff: { agentName: "Quiet Bot" },
        }),
      );
    const rotated = await rotateHandingOff(agents[0]!.id);
    expect(rotated).toMatchObject({
      ok: true,
      data: { apiKey: null, handoff: { id: expect.any(String), token: expect.any(String) } },
    });
    const { id, token } = (rotated as { data: { handoff: { id: string; token: string } } }).data.handoff;
    const redeemed = await redeemHandoff(id, token, client);
    expect(redeemed).toMatchObject({ ok: true, apiKey: expect.stringMatching(/^agent_/) });
    const key = (redeemed as { apiKey: string }).apiKey;
    expect(await inProcess.console.faucetCall({ action: "whoami", api_key: key })).toMatchObject({
      success: true,
      id: agents[0]!.id,
    });

    const second = await rotateHandingOff(agents[1]!.id);
    const secondId = (second as { data: { handoff: { id: string } } }).data.handoff.id;
    expect(await returned({}, () => revokeHandoffAction({ id: secondId }))).toMatchObject({
      ok: false,
      code: "signed_out",
    });
    expect(await returned({ cookie }, () => revokeHandoffAction({ id: secondId }))).toMatchObject({ ok: true });
    expect(await returned({ cookie }, () => revokeHandoffAction({ id: secondId }))).toMatchObject({
      ok: false,
      code: "not_found",
    });
  });

  it("a double click or a retried request makes one hand-off per rotation (the unique key source), never two live links", async () => {
    const { operatorKey, agents } = await inProcess.console.newOperator("Double Click Operator", ["Twin Bot"]);
    const agent = agents[0]!;
    const cookie = await inProcess.console.signInCookie(operatorKey);
    const attemptId = randomUUID();
    const rotated = await returned({ cookie }, () =>
      rotateAgentKey({ agentId: agent.id, attemptId, knownRotationAt: null, ownAttemptId: null }),
    );
    const apiKey = (rotated as { data: { apiKey: string } }).data.apiKey;
    const request = { agentId: agent.id, agentName: agent.name, apiKey, attemptId };
    const results = await Promise.all(Array.from({ length: 4 }, () => returned({ cookie }, () => handOffKey(request))));
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    for (const result of results.filter((result) => !result.ok))
      expect(result).toMatchObject({ ok: false, code: "invalid_input", message: /already handed off/ });
  });

  it("New agent: its first key can be handed off once (origin create); a key not made by this create cannot", async () => {
    const { operatorKey, agents } = await inProcess.console.newOperator("New Agent Operator", ["Existing Bot"]);
    const cookie = await inProcess.console.signInCookie(operatorKey);
    const created = await returned({ cookie }, () => createAgent({ name: "Fresh Bot", description: "", budget: "" }));
    expect(created).toMatchObject({ ok: true, data: { agentId: expect.any(Number), apiKey: expect.any(String) } });
    const { agentId, apiKey } = (created as { data: { agentId: number; apiKey: string } }).data;
    const request = { agentId, agentName: "Fresh Bot", apiKey, attemptId: null };

    expect(await returned({}, () => handOffKey(request))).toMatchObject({ ok: false, code: "signed_out" });
    // Another agent's key, or this key named for another agent: not a create this session saw.
    expect(
      await returned({ cookie }, () => handOffKey({ ...request, agentId: agents[0]!.id, apiKey: agents[0]!.key })),
    ).toMatchObject({ ok: false, code: "not_found" });
    expect(await returned({ cookie }, () => handOffKey({ ...request, agentId: agents[0]!.id }))).toMatchObject({
      ok: false,
      code: "not_found",
    });
    // Another session of the same operator was not shown this key.
    const otherCookie = await inProcess.console.signInCookie(operatorKey);
    expect(await returned({ cookie: otherCookie }, () => handOffKey(request))).toMatchObject({
      ok: false,
      code: "not_found",
    });

    const made = await returned({ cookie }, () => handOffKey(request));
    expect(made).toMatchObject({ ok: true, data: { id: expect.any(String), token: expect.any(String) } });
    expect(await returned({ cookie }, () => handOffKey(request)), "one hand-off per create").toMatchObject({
      ok: false,
      code: "invalid_input",
    });
    const { id, token } = (made as { data: { id: string; token: string } }).data;
    const redeemed = await redeemHandoff(id, token, client);
    expect(redeemed).toMatchObject({ ok: true, apiKey, handoff: { origin: "create", agentId } });
    expect(await inProcess.console.faucetCall({ action: "whoami", api_key: apiKey })).toMatchObject({
      success: true,
      id: agentId,
    });
  });

  it("a run's hand-offs (origin bulk:<batch>) are listed by GET /api/handoffs?batch= for their operator only, without key or token", async () => {
    const { operatorKey, agents } = await inProcess.console.newOperator("Batch Watch Operator", [
      "Batch One",
      "Batch Two",
      "Batch Three",
    ]);
    const cookie = await inProcess.console.signInCookie(operatorKey);
    const batchId = randomUUID();
    const links: { id: string; token: string }[] = [];
    for (const agent of agents) {
      const rotated = await returned({ cookie }, () =>
        rotateAgentKey({
          agentId: agent.id,
          attemptId: randomUUID(),
          knownRotationAt: null,
          ownAttemptId: null,
          batchId,
          handOff: { agentName: agent.name },
        }),
      );
      expect(rotated).toMatchObject({ ok: true, data: { apiKey: null } });
      links.push((rotated as { data: { handoff: { id: string; token: string } } }).data.handoff);
    }
    const redeemed = await redeemHandoff(links[0]!.id, links[0]!.token, client);
    expect(redeemed).toMatchObject({ ok: true, handoff: { origin: `bulk:${batchId}` } });

    const list = async (search: string, cookieHeader?: string) => {
      const outcome = await asRequest({ cookie: cookieHeader, origin: null }, () =>
        listHandoffs(new NextRequest(new URL(`/api/handoffs?${search}`, CONSOLE_ORIGIN))),
      );
      if (outcome.kind !== "returned") throw new Error(`redirected to ${outcome.url}`);
      const response = outcome.value;
      return { status: response.status, text: await response.text() };
    };
    const watched = await list(`batch=${batchId}`, cookie);
    expect(watched.status).toBe(200);
    const body = JSON.parse(watched.text) as { handoffs: { id: string; state: string }[]; truncated: boolean };
    expect(body.truncated).toBe(false);
    expect(body.handoffs.map((row) => row.id).sort()).toEqual(links.map((link) => link.id).sort());
    expect(body.handoffs.filter((row) => row.state === "redeemed")).toHaveLength(1);
    expect(body.handoffs.filter((row) => row.state === "waiting")).toHaveLength(2);
    for (const link of links) expect(watched.text).not.toContain(link.token);
    expect(watched.text).not.toContain((redeemed as { apiKey: string }).apiKey);

    expect((await list("batch=not-a-uuid", cookie)).status).toBe(400);
    expect((await list(`batch=${batchId}`)).status).toBe(401);
    const stranger = await inProcess.console.newOperator("Batch Stranger", []);
    const strangerCookie = await inProcess.console.signInCookie(stranger.operatorKey);
    expect(JSON.parse((await list(`batch=${batchId}`, strangerCookie)).text)).toMatchObject({ handoffs: [] });
  });
});
