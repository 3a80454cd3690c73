import "server-only";

/**
 * One confirmation must make one faucet call, even when a double click, a second tab or a
 * second browser fires the same rotation at once. Rotation is not idempotent upstream, so
 * the guard lives here: per target, calls are serialised, and a caller who has not seen
 * the latest rotation (its `seenCooldownUntil` is older) is told it happened elsewhere.
 *
 * The memory is this instance's. Two instances behind a load balancer each guard their
 * own callers; the faucet's own cooldown_until in list_agents then shows the other's work.
 */
type LastRotation = { at: number; cooldownUntil: number };

/** Cooldown ends read back from a cookie are rounded to the second. */
const SAME_ROTATION_TOLERANCE_MS = 1000;

const globalForGuard = globalThis as {
  rotationsInFlight?: Map<string, Promise<unknown>>;
  lastRotations?: Map<string, LastRotation>;
};
const inFlight = (globalForGuard.rotationsInFlight ??= new Map());
const lastRotations = (globalForGuard.lastRotations ??= new Map());

export type GuardVerdict<T> = { kind: "ran"; value: T } | { kind: "rotated_elsewhere"; at: number };

export async function guardRotation<T>(
  target: string,
  seenCooldownUntil: number | null,
  rotate: () => Promise<{ value: T; cooldownUntil: number | null }>,
  now: () => number = Date.now,
): Promise<GuardVerdict<T>> {
  for (let pending = inFlight.get(target); pending; pending = inFlight.get(target)) {
    await pending.catch(() => undefined);
  }
  // From here to inFlight.set there is no await: the check and the claim are atomic.
  // A rotation counts as unseen only while its cooldown lasts: once it is over the page
  // shows no cooldown (seen = null), and the operator must be free to rotate again.
  const last = lastRotations.get(target);
  if (last && last.cooldownUntil > now() && (seenCooldownUntil === null || last.cooldownUntil > seenCooldownUntil + SAME_ROTATION_TOLERANCE_MS)) {
    return { kind: "rotated_elsewhere", at: last.at };
  }
  const running = rotate();
  inFlight.set(target, running);
  try {
    const { value, cooldownUntil } = await running;
    if (cooldownUntil !== null) lastRotations.set(target, { at: now(), cooldownUntil });
    return { kind: "ran", value };
  } finally {
    inFlight.delete(target);
    for (const [key, entry] of lastRotations) if (entry.cooldownUntil <= now()) lastRotations.delete(key);
  }
}
