import type { AgentFlag, AgentRow } from "./agents-view";

/** Browser-safe: the table, the cards and the details page render key ages and flags with these. */

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * When the agent's current key was made: the last rotation the store recorded, else the
 * agent's creation as the faucet reports it (list_agents' optional `created_at`); null when
 * neither is known.
 */
export function keySince(agent: Pick<AgentRow, "lastRotation" | "createdAt">): number | null {
  return agent.lastRotation?.at ?? agent.createdAt;
}

/** Whole days since `since`, never negative (a clock a little behind the faucet's reads as 0). */
export function keyAgeDays(since: number, now: number): number {
  return Math.max(0, Math.floor((now - since) / DAY_MS));
}

/** "Today", "1 day", "41 days", or "Unknown". */
export function formatKeyAge(since: number | null, now: number): string {
  if (since === null) return "Unknown";
  const days = keyAgeDays(since, now);
  return days === 0 ? "Today" : days === 1 ? "1 day" : `${days.toLocaleString("en-US")} days`;
}

type FlagInput = Pick<AgentRow, "isActive" | "balanceSats" | "budgetLimitSats" | "lastRotation" | "createdAt"> & {
  /** False when the faucet's list did not say (the public contract's row has no budget). */
  budgetLimitKnown: boolean;
};

/**
 * What makes an agent risky, in a fixed order: no spending limit, a key older than
 * `maxAgeDays`, a deactivated agent still holding sats. Only what is known is flagged: an
 * unknown budget or key age raises no flag.
 */
export function agentFlags(agent: FlagInput, now: number, maxAgeDays: number): AgentFlag[] {
  const flags: AgentFlag[] = [];
  if (agent.budgetLimitKnown && agent.budgetLimitSats === null) flags.push({ kind: "no-budget" });
  const since = keySince(agent);
  if (since !== null && keyAgeDays(since, now) > maxAgeDays) flags.push({ kind: "old-key", maxAgeDays });
  if (!agent.isActive && agent.balanceSats > 0) flags.push({ kind: "inactive-funds", balanceSats: agent.balanceSats });
  return flags;
}

export function flagLabel(flag: AgentFlag): string {
  switch (flag.kind) {
    case "no-budget":
      return "No budget limit";
    case "old-key":
      return `Key older than ${flag.maxAgeDays} days`;
    case "inactive-funds":
      return `Inactive, holds ${flag.balanceSats.toLocaleString("en-US")} sats`;
  }
}
