/** One rotated agent on the batch's sheet of new keys. Held only in the tab's memory. */
export type SheetRow = { agentId: number; name: string; apiKey: string };

/** `AGENT_<ID>_API_KEY=…` lines, one per agent, in the order shown: what an agent's .env reads. */
export function envText(rows: readonly SheetRow[]): string {
  return rows.map((row) => `AGENT_${row.agentId}_API_KEY=${row.apiKey}`).join("\n") + "\n";
}

export function jsonText(rows: readonly SheetRow[]): string {
  return (
    JSON.stringify(
      rows.map(({ agentId, name, apiKey }) => ({ agent_id: agentId, name, api_key: apiKey })),
      null,
      2,
    ) + "\n"
  );
}

/**
 * Saves text as a file through a Blob URL made in this tab: nothing is sent anywhere, and the
 * URL is revoked at once so the keys do not outlive the download in the page's object URLs.
 */
export function downloadText(text: string, fileName: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.rel = "noopener";
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
