import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { handOffKey, revokeHandoffAction } from "@/lib/actions/hand-off-key";
import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { redeemHandoff } from "@/lib/handoff/handoffs";
import { inProcessConsoleForFile } from "./support/fuzz-console";
import { asRequest } from "./support/in-process-console";

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
});
