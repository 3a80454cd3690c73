import { describe, expect, it, vi } from "vitest";
import { createAgent } from "@/lib/actions/create-agent";
import { deleteAgent } from "@/lib/actions/delete-agent";
import { fundAgent } from "@/lib/actions/fund-agent";
import { setAgentActive } from "@/lib/actions/set-agent-active";
import { setAgentBudget } from "@/lib/actions/set-agent-budget";
import { sweepAgent } from "@/lib/actions/sweep-agent";
import type { ActionResult } from "@/lib/action-result";
import { inProcessConsoleForFile } from "./support/fuzz-console";
import { asRequest } from "./support/in-process-console";

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * Every lifecycle step under each way the faucet can fail it, as its server action answers:
 * a refusal, a 5xx and a faucet slower than FAUCET_TIMEOUT_MS each have their own message and
 * cost exactly one faucet call, never a retry; the refusal and the 5xx change nothing. The
 * emulator's per-operator call counts are the oracle. What only a browser shows (the dialog's
 * alert, the button kept after a refusal, "Reload agents" instead of it after an unknown
 * outcome) is e2e/lifecycle-faults.spec.ts's, on the create dialog and the change dialog that
 * serves every other step.
 */
const TIMEOUT_MS = 1_000;
const inProcess = inProcessConsoleForFile({ env: { FAUCET_TIMEOUT_MS: String(TIMEOUT_MS) } });
const AGENT = "Fault Life Bot";

type Step = {
  name: string;
  faucetAction: string;
  /** What "outcome unknown" says this step may have done. */
  unknown: RegExp;
  run: (agentId: number) => Promise<ActionResult<unknown>>;
};

const STEPS: Step[] = [
  {
    name: "create",
    faucetAction: "create_agent",
    unknown: /may have created the agent anyway.*two agents/,
    run: () => createAgent({ name: "Maybe Bot", description: "", budget: "" }),
  },
  {
    name: "deactivate",
    faucetAction: "update_agent",
    unknown: /may not have been deactivated: its key may still pay/,
    run: (agentId) => setAgentActive({ agentId, isActive: false }),
  },
  {
    name: "budget",
    faucetAction: "set_budget",
    unknown: /budget may have changed anyway/,
    run: (agentId) => setAgentBudget({ agentId, budgetLimitSats: 500 }),
  },
  {
    name: "sweep",
    faucetAction: "withdraw_from_agent",
    unknown: /sats may have been moved anyway/,
    run: (agentId) => sweepAgent({ agentId }),
  },
  {
    name: "fund",
    faucetAction: "fund_agent",
    unknown: /sats may have been sent anyway.*funding again/,
    run: (agentId) => fundAgent({ agentId, amountSats: 100 }),
  },
  {
    name: "delete",
    faucetAction: "delete_agent",
    unknown: /agent may have been deleted anyway/,
    run: (agentId) => deleteAgent({ agentId }),
  },
];

/** A fresh operator with one agent holding 400 sats, signed in; `attempt` runs the step once as a request of that session. */
async function signedIn(step: Step) {
  const { console: faucetConsole } = inProcess;
  const operator = await faucetConsole.newOperator(`Faults ${step.name} Operator`, [AGENT]);
  const agent = operator.agents[0]!;
  await faucetConsole.faucetCall({
    action: "fund_agent",
    api_key: operator.operatorKey,
    agent_id: agent.id,
    amount_sats: 400,
  });
  const cookie = await faucetConsole.signInCookie(operator.operatorKey);
  const calls = () => faucetConsole.callsOf(operator.operatorId)[step.faucetAction] ?? 0;
  // The operator's agents as the faucet itself lists them: what a change that was not made leaves as it was.
  const agents = async () =>
    (await faucetConsole.faucetCall({ action: "list_agents", api_key: operator.operatorKey })).agents;
  const attempt = async (faults: Record<string, unknown>) => {
    faucetConsole.faucet.setFaults({
      ...faults,
      actions: [step.faucetAction],
      times: 1,
      operatorIds: [operator.operatorId],
    });
    const before = calls();
    const outcome = await asRequest({ cookie }, () => step.run(agent.id));
    if (outcome.kind !== "returned") throw new Error(`${step.name} redirected to ${outcome.url}`);
    expect(calls(), `${step.name}: one faucet call, no retry`).toBe(before + 1);
    return outcome.value;
  };
  return { attempt, agents };
}

describe.each(STEPS)("$name against a failing faucet", (step) => {
  it("a refusal says so and changes nothing; a 5xx and a faucet slower than the timeout are 'outcome unknown'; one call each", async () => {
    const { attempt, agents } = await signedIn(step);
    const before = await agents();

    const refused = await attempt({
      refuseWith: { error_code: "rate_limited", error: "Slow down", retry_after: 30 },
    });
    expect(refused).toEqual({
      ok: false,
      code: "rate_limited",
      message: "The faucet is limiting requests. Try again in 30 s.",
      retryAfterSeconds: 30,
    });
    expect(await agents(), "a refusal changed nothing").toEqual(before);

    const failed = await attempt({ failWithStatus: 500 });
    expect(failed.ok).toBe(false);
    expect(!failed.ok && failed.message).toMatch(/^Outcome unknown: The faucet failed \(HTTP 500\)\./);
    expect(!failed.ok && failed.message).toMatch(step.unknown);
    expect(await agents(), "the emulator answered the 5xx without processing the call").toEqual(before);

    const slow = await attempt({ latencyMs: TIMEOUT_MS + 1_500 });
    expect(slow.ok).toBe(false);
    expect(!slow.ok && slow.message).toMatch(/^Outcome unknown: The faucet did not answer within 1 s\./);
    expect(!slow.ok && slow.message).toMatch(step.unknown);
  });
});
