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
  /** Reply this refusal without processing. */
  refuseWith: z.looseObject({ error_code: z.string().min(1), error: z.string().min(1) }).optional(),
  /** Only these actions are affected; default all (including bodies with no readable action). */
  actions: z.array(z.string()).optional(),
  /** Only the next N affected requests; default unlimited. */
  times: z.int().min(1).optional(),
});

export type Faults = z.infer<typeof faultsSchema>;

export type FaultController = {
  set(faults: Faults): void;
  clear(): void;
  /** The faults that apply to this request, consuming one of `times`; null when none do. */
  take(action: string | null): Faults | null;
};

export function createFaultController(): FaultController {
  let active: Faults | null = null;
  let remaining: number | null = null;

  const clear = () => {
    active = null;
    remaining = null;
  };

  return {
    set(faults) {
      const parsed = faultsSchema.parse(faults);
      if (Object.keys(parsed).length === 0) return clear();
      active = parsed;
      remaining = parsed.times ?? null;
    },
    clear,
    take(action) {
      if (!active) return null;
      if (active.actions && (action === null || !active.actions.includes(action))) return null;
      const faults = active;
      if (remaining !== null) {
        remaining -= 1;
        if (remaining <= 0) clear();
      }
      return faults;
    },
  };
}
