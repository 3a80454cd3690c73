/**
 * A time of day in UTC, e.g. "12:45 UTC" or, with seconds, "12:45:07 UTC". The one way the
 * console writes a moment: the server and the browser must not disagree on it, and a
 * browser's own time zone would make the same moment read differently in two tabs.
 */
export function formatUtcTime(ms: number, { seconds = false }: { seconds?: boolean } = {}): string {
  return `${new Date(ms).toISOString().slice(11, seconds ? 19 : 16)} UTC`;
}
