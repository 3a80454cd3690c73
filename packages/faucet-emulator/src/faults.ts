import { z } from "zod";

/**
 * Test-only fault injection. Off by default; switched on through `setFaults` or the
 * stand-alone server's /__test/faults route (only when test control is enabled).
 */

export const faultsSchema = z.strictObject({
  latencyMs: z.number().min(0).max(600_000).optional(),
  /** Reply this HTTP status with an HTML body (like a proxy error page); no state change. */
  failWithStatus: z.int().min(400).max(599).optional(),
  /** Process normally, then reply 200 with a truncated, unparseable body. */
  malformedJson: z.boolean().optional(),
  /** Process and persist the action, then drop the reply (the socket is destroyed). */
  dropReplyAfterCommit: z.boolean().optional(),
  /**
   * Process and persist the action, then reply success with every key field removed: the
   * worst case of a rotation (the old key is dead and the new one never arrives).
   */
  omitKey: z.boolean().optional(),
  /**
   * Process normally, then remove every `cooldown_until` from the reply (list_agents rows
   * included), as the real faucet's contract does: the console must keep its own timers.
   */
  omitCooldowns: z.boolean().optional(),
  /** Reply this refusal without processing. */
  refuseWith: z.looseObject({ error_code: z.string().min(1), error: z.string().min(1) }).optional(),
  /** Only these actions are affected; default all (including bodies with no readable action). */
  actions: z.array(z.string()).optional(),
  /** Only the next N affected requests; default unlimited. With operatorIds, N per operator. */
  times: z.int().min(1).optional(),
  /**
   * Only requests made with a key that belongs to one of these operators or their agents,
   * or belonged to one when it was last used. Scoped faults sit beside the unscoped ones
   * and beside other operators' faults, so parallel tests on one faucet do not disturb
   * each other; `{ operatorIds }` alone clears those operators' faults.
   */
  operatorIds: z.array(z.int().positive()).min(1).optional(),
});

export type Faults = z.infer<typeof faultsSchema>;

export type FaultController = {
  /** Replaces the unscoped faults, or the faults of the listed operators; `{}` clears the unscoped ones. */
  set(faults: Faults): void;
  /** Clears every fault, scoped or not. */
  clear(): void;
  /**
   * The faults that apply to this request, consuming one of `times`; null when none do. An
   * operator's own faults take precedence over the unscoped ones.
   */
  take(action: string | null, operatorId?: number | null): Faults | null;
};

type Slot = { faults: Faults; remaining: number | null };

export function createFaultController(): FaultController {
  let unscoped: Slot | null = null;
  const scoped = new Map<number, Slot>();

  const applies = (slot: Slot | null | undefined, action: string | null): slot is Slot =>
    !!slot && !(slot.faults.actions && (action === null || !slot.faults.actions.includes(action)));

  /** Returns the slot's faults and counts one use; true in `spent` when that was its last. */
  const consume = (slot: Slot): { faults: Faults; spent: boolean } => {
    if (slot.remaining === null) return { faults: slot.faults, spent: false };
    slot.remaining -= 1;
    return { faults: slot.faults, spent: slot.remaining <= 0 };
  };

  return {
    set(faults) {
      const parsed = faultsSchema.parse(faults);
      const { operatorIds, ...effects } = parsed;
      const slot = Object.keys(effects).length === 0 ? null : { faults: parsed, remaining: parsed.times ?? null };
      if (!operatorIds) {
        unscoped = slot;
        return;
      }
      for (const id of operatorIds) {
        if (slot) scoped.set(id, { ...slot });
        else scoped.delete(id);
      }
    },
    clear() {
      unscoped = null;
      scoped.clear();
    },
    take(action, operatorId = null) {
      const own = operatorId === null ? undefined : scoped.get(operatorId);
      if (operatorId !== null && applies(own, action)) {
        const { faults, spent } = consume(own);
        if (spent) scoped.delete(operatorId);
        return faults;
      }
      if (!applies(unscoped, action)) return null;
      const { faults, spent } = consume(unscoped);
      if (spent) unscoped = null;
      return faults;
    },
  };
}
