const formatter = new Intl.NumberFormat("en-US");

export function formatSats(sats: number): string {
  return `${formatter.format(sats)} sats`;
}
