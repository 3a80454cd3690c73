import { connectAgentHost, disconnectAgentHost } from "@/lib/actions/agent-hosts";
import { deleteAgent } from "@/lib/actions/delete-agent";
import { fundAgent } from "@/lib/actions/fund-agent";
import { setAgentActive } from "@/lib/actions/set-agent-active";
import { setAgentBudget } from "@/lib/actions/set-agent-budget";
import { sweepAgent } from "@/lib/actions/sweep-agent";
import { amountFieldSchema, budgetFieldSchema } from "@/lib/agents/agent-change-schemas";
import type { AgentRow } from "@/lib/agents/agents-view";
import type { ActionResult } from "@/lib/action-result";
import { formatUtcTime } from "@/lib/format-utc-time";
import { enrolmentLink } from "@/components/keys/secret-links";
import { formatSats } from "../format-sats";

export type AgentChangeKind =
  "deactivate" | "reactivate" | "budget" | "sweep" | "fund" | "delete" | "connect-host" | "disconnect-host";

/** What a finished change did to the row: patched at once in the list, or gone. */
export type RowChange = { patch: Partial<AgentRow> } | { deleted: true };

type Done = { message: string; row: RowChange };

/** The one text field some changes ask for, checked in the browser before any request. */
type InputField = {
  label: string;
  hint?: string;
  numeric: boolean;
  check: (value: string, agent: AgentRow) => string | null;
};

export type AgentChangeSpec = {
  title: (agent: AgentRow) => string;
  consequence: (agent: AgentRow) => string;
  confirmLabel: (agent: AgentRow) => string;
  danger: boolean;
  field?: InputField;
  /** What "the console did not answer" means for this change. */
  silent: string;
  run: (agent: AgentRow, value: string) => Promise<ActionResult<Done>>;
};

function firstIssue(result: { success: boolean; error?: { issues: { message: string }[] } }): string | null {
  return result.success ? null : (result.error?.issues[0]?.message ?? "Check this field.");
}

async function mapped<T>(call: Promise<ActionResult<T>>, done: (data: T) => Done): Promise<ActionResult<Done>> {
  const result = await call;
  return result.ok ? { ok: true, data: done(result.data) } : result;
}

const sats = formatSats;

export const AGENT_CHANGES: Record<AgentChangeKind, AgentChangeSpec> = {
  deactivate: {
    title: (agent) => `Deactivate ${agent.name}?`,
    consequence: () => "Its key stops paying at once; its balance stays. You can reactivate it later.",
    confirmLabel: () => "Deactivate",
    danger: true,
    silent:
      "Outcome unknown: the console did not answer. The agent may not have been deactivated, so its key may still pay. Reload the list to see its state.",
    run: (agent) =>
      mapped(setAgentActive({ agentId: agent.id, isActive: false }), () => ({
        message: `${agent.name} is deactivated: its key no longer pays.`,
        row: { patch: { isActive: false } },
      })),
  },
  reactivate: {
    title: (agent) => `Reactivate ${agent.name}?`,
    consequence: () => "Its key can pay again at once, within its budget.",
    confirmLabel: () => "Reactivate",
    danger: false,
    silent:
      "Outcome unknown: the console did not answer. The agent may have been reactivated anyway. Reload the list to see its state.",
    run: (agent) =>
      mapped(setAgentActive({ agentId: agent.id, isActive: true }), () => ({
        message: `${agent.name} is active again.`,
        row: { patch: { isActive: true } },
      })),
  },
  budget: {
    title: (agent) => `Edit budget for ${agent.name}`,
    consequence: (agent) =>
      `The most this agent may spend in total; payments beyond it are refused. Now: ${agent.budgetLimitSats === null ? "unlimited" : sats(agent.budgetLimitSats)}.`,
    confirmLabel: () => "Save budget",
    danger: false,
    field: {
      label: "Budget (sats)",
      hint: "Leave empty for unlimited.",
      numeric: true,
      check: (value) => firstIssue(budgetFieldSchema.safeParse(value)),
    },
    silent:
      "Outcome unknown: the console did not answer. The budget may have changed anyway. Open the agent's details to see it.",
    run: (agent, value) => {
      const limit = budgetFieldSchema.parse(value);
      const budgetLimitSats = limit === 0 ? null : limit;
      return mapped(setAgentBudget({ agentId: agent.id, budgetLimitSats }), (budget) => ({
        message:
          budget.budgetLimitSats === null
            ? `${agent.name} has no budget limit now.`
            : `${agent.name}'s budget is ${sats(budget.budgetLimitSats)} now.`,
        row: { patch: { budgetLimitSats: budget.budgetLimitSats } },
      }));
    },
  },
  sweep: {
    title: (agent) => `Sweep the balance of ${agent.name}?`,
    consequence: (agent) =>
      `Moves all ${sats(agent.balanceSats)} of ${agent.name} to your operator balance. In an incident, sweep before rotating: a rotation's cooldown blocks the sweep.`,
    confirmLabel: (agent) => `Sweep ${sats(agent.balanceSats)}`,
    danger: true,
    silent:
      "Outcome unknown: the console did not answer. The sats may have been moved anyway. Reload the list and check the balance before sweeping again.",
    run: (agent) =>
      mapped(sweepAgent({ agentId: agent.id }), (sweep) => ({
        message: `Moved ${sats(sweep.movedSats)} to your operator balance. ${agent.name} now holds ${sats(sweep.agentBalanceSats)}.`,
        row: { patch: { balanceSats: sweep.agentBalanceSats } },
      })),
  },
  fund: {
    title: (agent) => `Fund ${agent.name}`,
    consequence: () => "Moves sats from your operator balance to this agent.",
    confirmLabel: () => "Fund agent",
    danger: false,
    field: { label: "Amount (sats)", numeric: true, check: (value) => firstIssue(amountFieldSchema.safeParse(value)) },
    silent:
      "Outcome unknown: the console did not answer. The sats may have been sent anyway. Reload the list and check the balance before funding again.",
    run: (agent, value) =>
      mapped(fundAgent({ agentId: agent.id, amountSats: amountFieldSchema.parse(value) as number }), (funding) => ({
        message: `Sent ${sats(Number(value.trim()))}. ${agent.name} now holds ${sats(funding.agentBalanceSats)}.`,
        row: { patch: { balanceSats: funding.agentBalanceSats } },
      })),
  },
  "connect-host": {
    title: (agent) => `Connect a host for ${agent.name}`,
    consequence: (agent) =>
      `Makes a single-use enrolment link for the machine that runs ${agent.name}. There, run the command shown next; from then on every new key of this agent is sealed to that machine and written to its credentials.json, without being shown here.${agent.host ? ` It replaces the host connected now (${agent.host.name}).` : ""}`,
    confirmLabel: () => "Make enrolment link",
    danger: false,
    silent: "The console did not answer, so no link was made. Try again.",
    run: (agent) =>
      mapped(connectAgentHost({ agentId: agent.id, agentName: agent.name }), ({ id, token, expiresAt }) => ({
        message: `On the agent's machine, before ${formatUtcTime(expiresAt)}, run this once (receive.mjs is served at ${window.location.origin}/handoff/receive.mjs): node receive.mjs enrol '${enrolmentLink(window.location.origin, { id, token })}'`,
        row: { patch: {} },
      })),
  },
  "disconnect-host": {
    title: (agent) => `Disconnect the host of ${agent.name}?`,
    consequence: (agent) =>
      `${agent.host?.name ?? "The host"} gets no more keys of this agent, and keys waiting for it are deleted. The agent's current key keeps working.`,
    confirmLabel: () => "Disconnect host",
    danger: true,
    silent: "Outcome unknown: the console did not answer. Reload the list to see whether the host is still connected.",
    run: (agent) =>
      mapped(disconnectAgentHost({ agentId: agent.id }), () => ({
        message: `${agent.host?.name ?? "The host"} is disconnected: it gets no more keys of ${agent.name}.`,
        row: { patch: { host: null } },
      })),
  },
  delete: {
    title: (agent) => `Delete ${agent.name}?`,
    consequence: (agent) =>
      `The agent and its key are gone for good; its balance (${sats(agent.balanceSats)} when the list was loaded) returns to your operator balance. Type the agent's name to confirm.`,
    confirmLabel: () => "Delete agent",
    danger: true,
    field: {
      label: "Agent name",
      numeric: false,
      check: (value, agent) => (value === agent.name ? null : `Type ${agent.name} exactly to delete it.`),
    },
    silent:
      "Outcome unknown: the console did not answer. The agent may have been deleted anyway. Reload the list to see whether it is still there.",
    run: (agent) =>
      mapped(deleteAgent({ agentId: agent.id }), ({ returnedSats }) => ({
        message: `Deleted ${agent.name}. ${sats(returnedSats)} returned to your operator balance.`,
        row: { deleted: true },
      })),
  },
};
