import { z } from "zod";
import { DEFAULT_VIEW, FILTERS, PAGE_SIZE, SORT_KEYS, type AgentsViewState } from "./agents-view";

/**
 * The view state as it arrives in a URL. Bad values fall back to defaults instead of
 * failing: a shared link with a typo should still open the list. Kept apart from
 * agents-view.ts so zod stays out of the browser bundle.
 */
export const viewSchema = z.object({
  q: z.string().max(100).catch(DEFAULT_VIEW.q).default(DEFAULT_VIEW.q),
  sort: z.enum(SORT_KEYS).catch(DEFAULT_VIEW.sort).default(DEFAULT_VIEW.sort),
  dir: z.enum(["asc", "desc"]).catch(DEFAULT_VIEW.dir).default(DEFAULT_VIEW.dir),
  filter: z.enum(FILTERS).catch(DEFAULT_VIEW.filter).default(DEFAULT_VIEW.filter),
}) satisfies z.ZodType<AgentsViewState, unknown>;

export const pageRequestSchema = viewSchema.extend({
  offset: z.coerce.number().int().min(0).max(10_000_000).catch(0).default(0),
  limit: z.coerce.number().int().min(1).max(200).catch(PAGE_SIZE).default(PAGE_SIZE),
});
export type AgentsPageRequest = z.output<typeof pageRequestSchema>;

type SearchParams = Record<string, string | string[] | undefined>;

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

export function parseViewState(params: SearchParams): AgentsViewState {
  return viewSchema.parse({
    q: first(params.q),
    sort: first(params.sort),
    dir: first(params.dir),
    filter: first(params.filter),
  });
}

export function parsePageRequest(params: URLSearchParams): AgentsPageRequest {
  const get = (name: string) => params.get(name) ?? undefined;
  return pageRequestSchema.parse({
    q: get("q"),
    sort: get("sort"),
    dir: get("dir"),
    filter: get("filter"),
    offset: get("offset"),
    limit: get("limit"),
  });
}
