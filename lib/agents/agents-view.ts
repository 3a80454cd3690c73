/** What the agents page shows. Safe for the browser: it never holds a key, only labels and tails (lib/key-label.ts). */
export type AgentRow = {
  id: number;
  name: string;
  balanceSats: number;
  isActive: boolean;
  /** The agent's spending limit in sats, or null for unlimited (shown in the budget dialog). */
  budgetLimitSats: number | null;
  /** Epoch ms while withdrawals are locked, else null. */
  cooldownUntil: number | null;
  /** Tail of the key made by the last rotation while its cooldown lasts, e.g. "9f3a". */
  rotatedKeyTail: string | null;
  /** The last rotation the console recorded, from any tab, browser or instance. */
  lastRotation: LastRotation | null;
  /** When the faucet says the agent was created (epoch ms), if it says. */
  createdAt: number | null;
  /** What needs the operator's attention (key-age.ts), worked out on the server. */
  flags: AgentFlag[];
  /** The agent's connected host (lib/hosts/), which receives its new keys sealed; null or absent when none. */
  host?: AgentHostSummary | null;
};

/** A connected host as the row shows it: "Host connected", its name and when it last asked for keys. */
export type AgentHostSummary = { name: string; lastSeenAt: number | null; waitingEnvelopes: number };

export type AgentFlag =
  { kind: "no-budget" } | { kind: "old-key"; maxAgeDays: number } | { kind: "inactive-funds"; balanceSats: number };

/** When and from which session a key was last rotated (sessions are named by a short one-way label). */
export type LastRotation = { at: number; sessionLabel: string };

export type OperatorSummary = {
  id: number;
  name: string;
  balanceSats: number;
  cooldownUntil: number | null;
  keyTail: string | null;
  lastRotation: LastRotation | null;
};

export type AgentsPage = {
  /** The server's clock when this page was made: timers correct a skewed browser clock by it. */
  serverNow: number;
  operator: OperatorSummary;
  agents: AgentRow[];
  /** Agents matching the search and filter. */
  matching: number;
  /** All of the operator's agents. */
  total: number;
  /** Of all the operator's agents, those with at least one flag. */
  needsAttention: number;
};

export const SORT_KEYS = ["name", "balance", "cooldown", "key-age"] as const;
/** "past-policy": "Keys past their policy", as /agents/policies lists them (lib/agents/policy-standing.ts). */
export const FILTERS = ["all", "active", "inactive", "cooldown", "attention", "past-policy"] as const;
/** Rows per request: about three screens, so a scroll rarely waits. */
export const PAGE_SIZE = 100;

export type AgentsViewState = {
  q: string;
  sort: (typeof SORT_KEYS)[number];
  dir: "asc" | "desc";
  filter: (typeof FILTERS)[number];
};

export const DEFAULT_VIEW: AgentsViewState = { q: "", sort: "name", dir: "asc", filter: "all" };
