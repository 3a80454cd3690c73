import { z } from "zod";

/** What the agents page shows. Safe for the browser: it never holds a key, only fingerprints. */
export type AgentRow = {
  id: number;
  name: string;
  balanceSats: number;
  isActive: boolean;
  /** Epoch ms while withdrawals are locked, else null. */
  cooldownUntil: number | null;
  /** Tail of the key made by the last rotation in this session, e.g. "9f3a". */
  rotatedKeyFingerprint: string | null;
};

export type OperatorSummary = {
  id: number;
  name: string;
  balanceSats: number;
  cooldownUntil: number | null;
  keyFingerprint: string | null;
};

export type AgentsPage = {
  /** The server's clock when this page was made: timers correct a skewed browser clock by it. */
  serverNow: number;
  operator: OperatorSummary;
  agents: AgentRow[];
  offset: number;
  /** Agents matching the search and filter. */
  matching: number;
  /** All of the operator's agents. */
  total: number;
};

export const SORT_KEYS = ["name", "balance", "cooldown"] as const;
export const FILTERS = ["all", "active", "inactive", "cooldown"] as const;
export const PAGE_SIZE = 100;

/** The view state, as it lives in the URL. Bad values fall back to defaults instead of failing. */
export const viewSchema = z.object({
  q: z.string().max(100).catch("").default(""),
  sort: z.enum(SORT_KEYS).catch("name").default("name"),
  dir: z.enum(["asc", "desc"]).catch("asc").default("asc"),
  filter: z.enum(FILTERS).catch("all").default("all"),
});
export type AgentsViewState = z.output<typeof viewSchema>;

export const pageRequestSchema = viewSchema.extend({
  offset: z.coerce.number().int().min(0).max(10_000_000).catch(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).catch(PAGE_SIZE).default(PAGE_SIZE),
});
export type AgentsPageRequest = z.output<typeof pageRequestSchema>;

export function parseViewState(params: Record<string, string | string[] | undefined>): AgentsViewState {
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);
  return viewSchema.parse({ q: first(params.q), sort: first(params.sort), dir: first(params.dir), filter: first(params.filter) });
}

export function agentsQueryKey(view: AgentsViewState) {
  return ["agents", view] as const;
}
