import { enrolmentLink, handoffLink } from "@/components/keys/secret-links";
import type { ItemState } from "./bulk-run";

/**
 * One agent on the batch's sheet: its new key, or (incident mode's "Hand off all") the link of the
 * hand-off holding it, `<console>/handoff/<id>#<token>`, or ("Connect agent hosts") its single-use
 * enrolment link, `<console>/hosts/enrol/<id>#<token>`. Held only in the tab's memory.
 */
export type SheetRow =
  | { agentId: number; name: string; apiKey: string }
  | { agentId: number; name: string; handoff: { id: string; url: string } }
  | { agentId: number; name: string; enrolment: { id: string; url: string; expiresAt: number } };

/** The link a row holds (a hand-off's or an enrolment's), or null for a key. */
export function linkOf(row: SheetRow): string | null {
  return "handoff" in row ? row.handoff.url : "enrolment" in row ? row.enrolment.url : null;
}

/**
 * A finished run's sheet, in the run's order: a row per agent it changed, with the key its reply
 * carried, or the link (built here, with this tab's origin: the token stays in the fragment).
 */
export function sheetRows(
  states: ReadonlyMap<number, ItemState>,
  agents: ReadonlyMap<number, { name: string }>,
  origin: string,
): SheetRow[] {
  const rows: SheetRow[] = [];
  for (const [agentId, state] of states) {
    const agent = agents.get(agentId);
    if (!agent || state.status !== "done") continue;
    if (state.enrolment)
      rows.push({
        agentId,
        name: agent.name,
        enrolment: {
          id: state.enrolment.id,
          url: enrolmentLink(origin, state.enrolment),
          expiresAt: state.enrolment.expiresAt,
        },
      });
    else if (state.handoff)
      rows.push({
        agentId,
        name: agent.name,
        handoff: { id: state.handoff.id, url: handoffLink(origin, state.handoff) },
      });
    else if (state.apiKey) rows.push({ agentId, name: agent.name, apiKey: state.apiKey });
  }
  return rows;
}

/**
 * One line per agent, in the order shown: `AGENT_<ID>_API_KEY=…` for a key, `AGENT_<ID>_HANDOFF_URL=…`
 * for a hand-off (then the file holds no key: each agent's machine collects its own once),
 * `AGENT_<ID>_ENROL_URL=…` for an enrolment link (`node receive.mjs enrol '<link>'` on that machine).
 */
export function envText(rows: readonly SheetRow[]): string {
  return (
    rows
      .map((row) =>
        "apiKey" in row
          ? `AGENT_${row.agentId}_API_KEY=${row.apiKey}`
          : "handoff" in row
            ? `AGENT_${row.agentId}_HANDOFF_URL=${row.handoff.url}`
            : `AGENT_${row.agentId}_ENROL_URL=${row.enrolment.url}`,
      )
      .join("\n") + "\n"
  );
}

export function jsonText(rows: readonly SheetRow[]): string {
  return (
    JSON.stringify(
      rows.map((row) =>
        "apiKey" in row
          ? { agent_id: row.agentId, name: row.name, api_key: row.apiKey }
          : "handoff" in row
            ? { agent_id: row.agentId, name: row.name, handoff_url: row.handoff.url }
            : { agent_id: row.agentId, name: row.name, enrol_url: row.enrolment.url },
      ),
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
