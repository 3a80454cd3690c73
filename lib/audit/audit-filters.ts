import { z } from "zod";
import { AUDIT_ACTIONS } from "./audit-vocabulary";

/**
 * The /audit page's filters as they arrive in a URL (and in the CSV export's, and the
 * next-page route's). Each bad value falls back to "no filter" on its own: a shared link
 * with a typo still opens the log, and no query string can make the page fail.
 */
export const AUDIT_OUTCOME_FILTERS = ["ok", "refused", "unknown", "key_missing", "pending"] as const;
export type AuditOutcomeFilter = (typeof AUDIT_OUTCOME_FILTERS)[number];

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

const DAY_MS = 86_400_000;

/**
 * A calendar day (UTC) that exists: 2026-02-30 is refused, not rolled over into March. The
 * day after it must be a time the store can read too ("to" ends there): 9999-12-31 is refused.
 */
const day = z.string().refine((value) => {
  const match = DAY.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return (
    !Number.isNaN(date.getTime()) &&
    date.toISOString().startsWith(value) &&
    date.getUTCFullYear() >= 2000 &&
    new Date(date.getTime() + DAY_MS).getUTCFullYear() <= 9999
  );
});

/** The longest agent name the filter takes (longer than any name the log keeps is no filter). */
export const AUDIT_AGENT_FILTER_MAX = 200;
const AGENT_ID = /^#?(\d+)$/;

const agentId = z.coerce.number().int().min(1).max(2_147_483_647);

export const auditFiltersSchema = z.object({
  agent: agentId.optional().catch(undefined),
  /** Part of an agent's name as its events recorded it: case-insensitive, anywhere in the name. */
  agentName: z
    .string()
    .trim()
    .min(1)
    .max(AUDIT_AGENT_FILTER_MAX)
    // No name holds a control character (the log keeps none), and the store refuses a NUL.
    .refine((name) => !/\p{Cc}/u.test(name))
    .optional()
    .catch(undefined),
  action: z.enum(AUDIT_ACTIONS).optional().catch(undefined),
  outcome: z.enum(AUDIT_OUTCOME_FILTERS).optional().catch(undefined),
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
  batch: z.uuid().optional().catch(undefined),
});
export type AuditFilters = z.output<typeof auditFiltersSchema>;

export const NO_AUDIT_FILTERS: AuditFilters = {};

type SearchParams = Record<string, string | string[] | undefined> | URLSearchParams;

/** A repeated parameter (`?action=a&action=b`) is ambiguous, so it counts as absent. */
function single(params: SearchParams, name: string): string | undefined {
  if (params instanceof URLSearchParams) {
    const all = params.getAll(name);
    return all.length === 1 ? all[0] : undefined;
  }
  const value = params[name];
  return typeof value === "string" ? value : undefined;
}

/**
 * The one agent field takes an id or a name: digits (optionally after "#", as the log writes
 * "Research Bot (#1)") are an agent id; anything else is part of a name, matched without
 * regard to case anywhere in the name the event recorded.
 */
function agentFields(value: string | undefined): { agent?: string; agentName?: string } {
  const text = value?.trim();
  if (!text) return {};
  const id = AGENT_ID.exec(text);
  return id ? { agent: id[1] } : { agentName: text };
}

export function parseAuditFilters(params: SearchParams): AuditFilters {
  const raw = {
    ...Object.fromEntries(
      ["action", "outcome", "from", "to", "batch"].map((name) => [name, single(params, name) || undefined]),
    ),
    ...agentFields(single(params, "agent")),
  };
  const filters = auditFiltersSchema.parse(raw);
  // A range that ends before it starts matches nothing a user meant: keep the start only.
  if (filters.from && filters.to && filters.to < filters.from) delete filters.to;
  return filters;
}

/** What the agent field shows: the id, or the name. */
export function agentFilterText(filters: AuditFilters): string {
  return filters.agentName ?? (filters.agent !== undefined ? String(filters.agent) : "");
}

/** The filters as a query string (no leading "?"), in a stable order, without empty values. */
export function auditFiltersQuery(filters: AuditFilters, extra: Record<string, string | number> = {}): string {
  const params = new URLSearchParams();
  const { agentName, ...rest } = filters;
  // The URL has one agent field, as the form does: an id, or a name.
  const inUrl = { ...(agentName !== undefined ? { agent: agentName } : {}), ...rest };
  for (const [name, value] of Object.entries({ ...inUrl, ...extra })) {
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  return params.toString();
}

/** A cursor for the next page: the `seq` below which to continue. */
export function parseAuditCursor(value: string | null | undefined): number | null {
  const parsed = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).safeParse(value);
  return value && parsed.success ? parsed.data : null;
}
