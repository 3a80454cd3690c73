// Two words for the parts of a key the console shows, used the same way across the tree:
// a key's *label* is prefix…last4 ("agent_…9f3a": audit events, rotation records); its *tail*
// is the last four hex characters alone ("9f3a": the session cookie's cooldowns, the table).
// Safe for the browser; neither is enough to use the key.

/**
 * The part of a key an operator can compare at a glance, as Stripe and others show it:
 * its prefix and last four characters ("agent_…9f3a"). Never enough to use the key.
 */
export function keyLabel(apiKey: string): string {
  const prefix = /^[A-Za-z]+_/.exec(apiKey)?.[0] ?? "";
  return `${prefix}…${apiKey.slice(-4)}`;
}

/** The key's last four characters when they are hex (what the cookie's 2-byte slot can hold), else null. */
export function keyTail(apiKey: string): string | null {
  const tail = apiKey.slice(-4).toLowerCase();
  return /^[0-9a-f]{4}$/.test(tail) ? tail : null;
}
