import "server-only";
import { log } from "@/lib/log";
import { sweepExpiredHandoffs } from "./handoffs";

const SWEEP_EVERY_MS = 60_000;
const globalForSweep = globalThis as { handoffSweep?: ReturnType<typeof setInterval> };

/** Erases expired hand-offs' ciphertexts once a minute on an unref'd timer (they are also erased when read). */
export function startHandoffSweep(): void {
  globalForSweep.handoffSweep ??= setInterval(() => {
    sweepExpiredHandoffs().catch((error: unknown) =>
      log.warn("the hand-off sweep failed; it runs again in a minute", error),
    );
  }, SWEEP_EVERY_MS).unref();
}
