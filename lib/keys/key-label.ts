/**
 * The part of a key an operator can compare at a glance, as Stripe and others show it:
 * its prefix and last four characters ("agent_…9f3a"). Never enough to use the key.
 */
export function keyLabel(apiKey: string): string {
  const prefix = /^[A-Za-z]+_/.exec(apiKey)?.[0] ?? "";
  return `${prefix}…${apiKey.slice(-4)}`;
}
