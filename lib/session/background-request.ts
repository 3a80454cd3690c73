/**
 * The idle timeout counts what a person did, not what a tab does by itself: the agents
 * table's fetcher marks a refetch no person asked for (its 30 s poll, with no input since
 * the tab's previous request) with this header, and the server then reads the session
 * without refreshing its last_seen_at. Safe to trust from the browser: it can only make
 * the sender's own session end sooner.
 */
export const BACKGROUND_REQUEST_HEADER = "x-console-background";

/** Whether a request's headers mark it as background polling. */
export function isBackgroundRequest(headers: { get(name: string): string | null }): boolean {
  return headers.get(BACKGROUND_REQUEST_HEADER) === "1";
}
