"use client";

import { formatCountdown } from "./format-countdown";
import { useNow } from "./now-provider";

const BAR_STEPS = 200;

type CooldownTimerProps = {
  until: number;
  /** Full length of this kind of cooldown, for the progress bar. */
  durationMs: number;
  label?: string;
};

/** A live "Withdrawals locked mm:ss" countdown; renders nothing once the cooldown is over. */
export function CooldownTimer({ until, durationMs, label = "Withdrawals locked" }: CooldownTimerProps) {
  const now = useNow();
  const remaining = until - now;
  if (remaining <= 0) return null;
  // In 200 steps, not every second: a 30-minute bar moves a pixel every ~10 s, and a style
  // that did not change costs the browser no repaint (200 timers on screen repainted their
  // bars every second for nothing).
  const fraction = Math.min(1, Math.ceil((remaining / durationMs) * BAR_STEPS) / BAR_STEPS);
  return (
    <div role="timer" aria-live="off" className="flex min-w-36 flex-col gap-1">
      <span className="text-sm font-medium tabular-nums text-amber-800">
        {label} {formatCountdown(remaining)}
      </span>
      <span aria-hidden="true" className="block h-1 w-full overflow-hidden rounded bg-amber-100">
        <span className="block h-full origin-left rounded bg-amber-500" style={{ transform: `scaleX(${fraction})` }} />
      </span>
    </div>
  );
}
