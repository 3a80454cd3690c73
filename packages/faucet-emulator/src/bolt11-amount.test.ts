import { describe, expect, it } from "vitest";
import { invoiceAmount } from "./bolt11-amount";

describe("invoiceAmount", () => {
  it.each([
    ["lnbc50u1pjq9qsp5abc", 5_000],
    ["lnbc2500u1pvjluezpp5", 250_000],
    ["lnbc1m1pxyz", 100_000],
    ["lnbc1500n1pxyz", 150],
    ["lnbc10000p1pxyz", 1],
    ["lnbc21pxyz", 200_000_000],
    ["lntb20m1pvjluez", 2_000_000],
    ["lnbcrt5u1pabc", 500],
    ["LIGHTNING:LNBC50U1PJQ9QSP5ABC", 5_000],
  ])("reads %s as %d sats", (invoice, sats) => {
    expect(invoiceAmount(invoice)).toEqual({ kind: "amount", sats });
  });

  it.each(["lnbc1pvjluezpp5qqq", "lnbc", "lnbc1000", "not an invoice", "lntb1pabc"])(
    "finds no amount in %s",
    (invoice) => {
      expect(invoiceAmount(invoice)).toEqual({ kind: "none" });
    },
  );

  it.each([
    ["lnbc1p1pxyz", /millisatoshis/],
    ["lnbc1n1pxyz", /whole number of sats/],
    ["lnbc0u1pxyz", /zero/],
    ["lnbc05u1pxyz", /leading zero/],
  ])("refuses %s", (invoice, reason) => {
    const amount = invoiceAmount(invoice);
    expect(amount.kind).toBe("invalid");
    if (amount.kind === "invalid") expect(amount.reason).toMatch(reason);
  });
});
