import { PAGE_SIZE, type AgentsPage, type AgentsViewState } from "@/lib/agents/agents-view";
import { BACKGROUND_REQUEST_HEADER } from "@/lib/session/background-request";

/** The session ended on the server (signed out, expired, or the key was rotated elsewhere). */
export class SignedOutError extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super("Signed out");
    this.name = "SignedOutError";
    this.reason = reason;
  }
}

/**
 * Whether a person did anything in this tab (pressed a key or a pointer, scrolled, went
 * back or forward, brought the window or tab back) since its previous request for agents:
 * a refetch on focus, a new search or a click counts. The page's own load counted on the
 * server already (it arrives with its first page), so a request made with no input since
 * then is the table's own polling, marked as background: it does not keep the session
 * from going idle on an unattended screen.
 */
let personActedSinceLastRequest = false;

export function notePersonActivity(): void {
  personActedSinceLastRequest = true;
}

/** The header for the next request: background unless a person acted since the previous one. */
export function nextRequestActivityHeaders(): Record<string, string> {
  const background = !personActedSinceLastRequest;
  personActedSinceLastRequest = false;
  return background ? { [BACKGROUND_REQUEST_HEADER]: "1" } : {};
}

if (typeof window !== "undefined") {
  for (const type of ["pointerdown", "keydown", "wheel", "touchstart"] as const) {
    window.addEventListener(type, notePersonActivity, { capture: true, passive: true });
  }
  window.addEventListener("focus", notePersonActivity);
  window.addEventListener("popstate", notePersonActivity);
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") notePersonActivity();
  });
}

/** One page from /api/agents. Its errors carry messages of ours, safe to show as they are. */
export async function fetchAgentsPage(
  view: AgentsViewState,
  pageIndex: number,
  signal: AbortSignal,
): Promise<AgentsPage> {
  const params = new URLSearchParams({ ...view, offset: String(pageIndex * PAGE_SIZE), limit: String(PAGE_SIZE) });
  let response: Response;
  try {
    response = await fetch(`/api/agents?${params}`, {
      signal,
      cache: "no-store",
      headers: { accept: "application/json", ...nextRequestActivityHeaders() },
    });
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
