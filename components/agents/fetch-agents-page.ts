import { PAGE_SIZE, type AgentsPage, type AgentsViewState } from "@/lib/agents/agents-view";

/** The session ended on the server (signed out, expired, or the key was rotated elsewhere). */
export class SignedOutError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super("Signed out");
    this.name = "SignedOutError";
    this.reason = reason;
  }
}

/** One page from /api/agents. Its errors carry messages of ours, safe to show as they are. */
export async function fetchAgentsPage(view: AgentsViewState, pageIndex: number, signal: AbortSignal): Promise<AgentsPage> {
  const params = new URLSearchParams({ ...view, offset: String(pageIndex * PAGE_SIZE), limit: String(PAGE_SIZE) });
  let response: Response;
  try {
    response = await fetch(`/api/agents?${params}`, { signal, cache: "no-store", headers: { accept: "application/json" } });
  } catch (error) {
    if (signal.aborted) throw error;
    throw new Error("The console cannot be reached. Check your connection.");
  }
  const body: unknown = await response.json().catch(() => null);
  const reason = (body as { reason?: unknown } | null)?.reason;
  const message = (body as { message?: unknown } | null)?.message;
  if (response.status === 401) throw new SignedOutError(typeof reason === "string" ? reason : "signed_out");
  if (!response.ok || body === null) {
    throw new Error(typeof message === "string" ? message : `The console answered HTTP ${response.status}.`);
  }
  return body as AgentsPage;
}
