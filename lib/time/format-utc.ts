/** "14:03:22 UTC": one clock format for every time the console states, whatever the browser's zone. */
export function formatUtcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(11, 19)} UTC`;
}
