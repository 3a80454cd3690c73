/**
 * The amount in a BOLT11 invoice's human-readable part (faucet-api.md §9): `ln`, a
 * currency prefix (bc, tb, bcrt, …), then optionally digits and a multiplier, all before
 * the last "1" (the bech32 separator). `lnbc50u1…` = 50 µBTC = 5,000 sats.
 * The emulator verifies nothing else about the invoice: it has no Lightning node.
 */

export type InvoiceAmount = { kind: "amount"; sats: number } | { kind: "none" } | { kind: "invalid"; reason: string };

// Millisatoshis per unit of each multiplier; 1 BTC = 10^8 sats = 10^11 msat. Pico is 0.1 msat.
const MSAT_PER_UNIT: Record<string, bigint> = { "": 10n ** 11n, m: 10n ** 8n, u: 10n ** 5n, n: 100n };

export function invoiceAmount(invoice: string): InvoiceAmount {
  const text = invoice
    .trim()
    .toLowerCase()
    .replace(/^lightning:/, "");
  const separator = text.lastIndexOf("1");
  const hrp = separator === -1 ? text : text.slice(0, separator);
  const match = /^ln[a-z]+?(\d+)([munp]?)$/.exec(hrp);
  if (!match) return { kind: "none" };
  const [, digits = "", multiplier = ""] = match;
  if (digits.length > 1 && digits.startsWith("0")) return { kind: "invalid", reason: "its amount has a leading zero" };
  const units = BigInt(digits);
  let msat: bigint;
  if (multiplier === "p") {
    // BOLT11: a pico amount must be a whole number of millisatoshis (last digit 0).
    if (units % 10n !== 0n)
      return { kind: "invalid", reason: "its pico amount is not a whole number of millisatoshis" };
    msat = units / 10n;
  } else {
    msat = units * (MSAT_PER_UNIT[multiplier] ?? 0n);
  }
  if (msat === 0n) return { kind: "invalid", reason: "its amount is zero" };
  // The ledger is kept in whole sats; charging a rounded amount would silently differ from the invoice.
  if (msat % 1000n !== 0n) return { kind: "invalid", reason: "its amount is not a whole number of sats" };
  const sats = msat / 1000n;
  if (sats > BigInt(Number.MAX_SAFE_INTEGER)) return { kind: "invalid", reason: "its amount is too large" };
  return { kind: "amount", sats: Number(sats) };
}
