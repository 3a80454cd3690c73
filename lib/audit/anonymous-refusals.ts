import "server-only";
import { auditActor } from "./audit-actor";
import { recordAuditEventQuietly } from "./record-audit-event";
import type { AuditAction } from "./audit-vocabulary";
import { log } from "@/lib/log";
import { createStoreRateLimiter, type StoreRateLimiter } from "@/lib/security/store-rate-limiter";

/**
 * Refusals that name no operator and come before any rate limit (a forged sign-out, a
 * malformed, foreign-Origin or rate-limited sign-in) cost an attacker nothing, so one row
 * each would let anyone grow the hash-chained log without bound. Per client address,
 * refusal kind and minute, the first is recorded as a row of the anonymous chain (so the
 * log still shows that it happened, from where and when); the rest are counted in this
 * instance's memory, outside the chain, and summarised in the log once a minute:
 * "audit: 299 more anonymous sign_out refusals (forbidden_origin) from 127.0.0.1 …".
 * The log rather than the audit page: the anonymous chain belongs to no operator, so no
 * operator's audit page shows it.
 *
 * "First per minute" is decided in the store (rate_limits, points 1 per 60 s), so every
 * instance sharing it writes at most one row per address, kind and minute.
 */
export type AnonymousRefusal = { action: AuditAction; refusal: string };

const SUMMARY_INTERVAL_MS = 60_000;
/** Distinct address-and-kind counters held at once; past it new ones are counted together. */
const MAX_COUNTERS = 10_000;
const OVERFLOW = "(other addresses)";

type RefusalGlobals = {
  anonymousRefusalGate?: StoreRateLimiter;
  anonymousRefusalCounts?: Map<string, number>;
  anonymousRefusalTimer?: ReturnType<typeof setInterval>;
};
const globalForRefusals = globalThis as RefusalGlobals;

function gate(): StoreRateLimiter {
  globalForRefusals.anonymousRefusalGate ??= createStoreRateLimiter({
    keyPrefix: "anonymous-refusals",
    points: 1,
    durationSeconds: 60,
  });
  return globalForRefusals.anonymousRefusalGate;
}

function counts(): Map<string, number> {
  globalForRefusals.anonymousRefusalCounts ??= new Map();
  globalForRefusals.anonymousRefusalTimer ??= setInterval(flushAnonymousRefusalCounts, SUMMARY_INTERVAL_MS).unref();
  return globalForRefusals.anonymousRefusalCounts;
}

/** Writes one summary line per address and kind counted since the last flush, and forgets them. Returns the lines. */
export function flushAnonymousRefusalCounts(): string[] {
  const current = globalForRefusals.anonymousRefusalCounts;
  if (!current || current.size === 0) return [];
  globalForRefusals.anonymousRefusalCounts = new Map();
  const lines: string[] = [];
  for (const [counter, count] of current) {
    const [address, action, refusal] = counter.split("\n");
    lines.push(
      `audit: ${count} more anonymous ${action} refusals (${refusal}) from ${address} in the last minute were counted, not recorded one by one`,
    );
  }
  for (const line of lines) log.warn(line);
  return lines;
}

function countSuppressed(address: string, { action, refusal }: AnonymousRefusal): void {
  const table = counts();
  let counter = `${address}\n${action}\n${refusal}`;
  if (!table.has(counter) && table.size >= MAX_COUNTERS) counter = `${OVERFLOW}\n${action}\n${refusal}`;
  table.set(counter, (table.get(counter) ?? 0) + 1);
}

/**
 * Records an anonymous refusal: a row if it is the first of its address, kind and minute,
 * else a count. Never throws (like recordAuditEventQuietly): a refusal stands whatever the
 * log does. A store that cannot be reached counts it too.
 */
export async function recordAnonymousRefusal(event: AnonymousRefusal): Promise<void> {
  const actor = await auditActor({ operatorId: null });
  const address = actor.clientAddress ?? "direct";
  let first = false;
  try {
    first = (await gate().take(`${address} ${event.action}:${event.refusal}`)).allowed;
  } catch {
    // The store is down: the row could not be written either.
  }
  if (!first) return countSuppressed(address, event);
  await recordAuditEventQuietly(actor, {
    action: event.action,
    target: "operator",
    outcome: "refused",
    refusal: event.refusal,
  });
}
