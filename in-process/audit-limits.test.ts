import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { LOGICAL_EVENTS, type AuditEventRow } from "@/e2e/support/audit-store";
import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { signIn } from "@/lib/actions/sign-in";
import { getStore } from "@/lib/store/get-store";
import { inProcessConsoleForFile } from "./support/fuzz-console";
import { asRequest, type InProcessOperator } from "./support/in-process-console";

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * Refusals before the faucet is called are audited: the console's own rotation and sign-in limits
 * (RATE_LIMIT_ROTATIONS and RATE_LIMIT_SIGN_INS of one) leave a refused, rate_limited event, and
 * the refused rotation costs no faucet call.
 */
const inProcess = inProcessConsoleForFile({ env: { RATE_LIMIT_ROTATIONS: "1", RATE_LIMIT_SIGN_INS: "1" } });
let operator: InProcessOperator;
let cookie: string;

beforeAll(async () => {
  operator = await inProcess.console.newOperator("Limited Operator", ["Limit Bot"]);
  // With the limits set from the start, as a console configured so: the sign-ins after this one are over them.
  cookie = await inProcess.console.signInCookie(operator.operatorKey);
});

const summary = (rows: AuditEventRow[]) =>
  rows.map((row) => [row.action, row.target, row.outcome, row.refusal, row.key_label]);

describe("refusals before the faucet is called", () => {
  it("are audited: the console's rotation and sign-in limits", async () => {
    const userAgent = `audit-in-process/${randomUUID()}`;
    const extraHeaders = { "user-agent": userAgent };
    const agent = operator.agents[0]!;
    const rotate = async () => {
      const outcome = await asRequest({ cookie, extraHeaders }, () =>
        rotateAgentKey({ agentId: agent.id, attemptId: randomUUID(), knownRotationAt: null, ownAttemptId: null }),
      );
      return outcome.kind === "returned" ? outcome.value : outcome;
    };
    expect(await rotate()).toMatchObject({ ok: true });
    expect(await rotate()).toMatchObject({ ok: false, code: "rate_limited" });
    expect(inProcess.console.callsOf(operator.operatorId).regenerate_agent_key).toBe(1);
    // Sign-ins count per client address in the store: the second within a minute is surely over a limit of one.
    const signInAgain = async () => {
      const form = new FormData();
      form.set("operatorKey", operator.operatorKey);
      const outcome = await asRequest({ extraHeaders }, () => signIn(null, form));
      return outcome.kind === "returned" ? outcome.value : outcome;
    };
    await signInAgain();
    expect(await signInAgain()).toMatchObject({ ok: false, code: "rate_limited" });

    const { db } = await getStore();
    const ours = (
      await db.execute<AuditEventRow>(sql`${sql.raw(LOGICAL_EVENTS)} and e.user_agent = ${userAgent} order by e.seq`)
    ).rows;
    expect(summary(ours.filter((row) => row.action === "rotate_agent_key"))).toEqual([
      ["rotate_agent_key", `agent:${agent.id}`, "ok", null, expect.stringMatching(/^agent_…/)],
      ["rotate_agent_key", `agent:${agent.id}`, "refused", "rate_limited", null],
    ]);
    expect(summary(ours.filter((row) => row.action === "sign_in")).at(-1)).toEqual([
      "sign_in",
      "operator",
      "refused",
      "rate_limited",
      null,
    ]);
  });
});
