import "server-only";
import { createHash } from "node:crypto";

/**
 * The operator keys this instance replaced, by operator, as hashes. A request can carry a
 * session read before another tab rotated the operator key: acting on it would hit the
 * faucet with the dead key, and the invalid_key answer would then destroy the cookie that
 * now holds the new key. Such a request is told to reload instead.
 *
 * Only recent entries count: the race lasts as long as a request is in flight, and the
 * operator may get a newer key elsewhere later (recover, the API), which this instance
 * learns only when they sign in with it.
 */
const RACE_WINDOW_MS = 5 * 60 * 1000;

const globalForKeys = globalThis as { currentOperatorKeys?: Map<number, { hash: string; at: number }> };
const currentKeys = (globalForKeys.currentOperatorKeys ??= new Map());

function hash(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** After a rotation, and at sign-in: this is now the operator's current key. */
export function recordOperatorKey(operatorId: number, apiKey: string, now = Date.now()): void {
  currentKeys.set(operatorId, { hash: hash(apiKey), at: now });
  for (const [id, entry] of currentKeys) if (now - entry.at > RACE_WINDOW_MS) currentKeys.delete(id);
}

/** True when, moments ago, this instance saw a newer key for the operator than the one in this session. */
export function isSupersededOperatorKey(operatorId: number, sessionKey: string, now = Date.now()): boolean {
  const current = currentKeys.get(operatorId);
  return current !== undefined && now - current.at <= RACE_WINDOW_MS && current.hash !== hash(sessionKey);
}
