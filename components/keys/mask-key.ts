/** "agent_" + dots + the last four characters: enough to recognise, useless to steal. */
export function maskKey(apiKey: string): string {
  const prefix = /^(lf_|agent_)/.exec(apiKey)?.[0] ?? "";
  const tail = apiKey.length - prefix.length > 8 ? apiKey.slice(-4) : "";
  return `${prefix}${"•".repeat(24)}${tail}`;
}
