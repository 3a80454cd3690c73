"use client";

import { useCallback, useRef } from "react";
import { formatCountdown } from "./format-countdown";
import { useIsPast, useTick } from "./now-provider";

const BAR_STEPS = 200;
const LABEL = "Withdrawals locked";

type CooldownTimerProps = {
  until: number;
  /** Full length of this kind of cooldown, for the progress bar. */
  durationMs: number;
};

/** In 200 steps, not every second: a 30-minute bar moves a pixel every ~10 s. */
function barTransform(remaining: number, durationMs: number): string {
  return `scaleX(${Math.min(1, Math.ceil((remaining / durationMs) * BAR_STEPS) / BAR_STEPS)})`;
}

/**
 * A live "Withdrawals locked mm:ss" countdown; renders nothing once the cooldown is over.
 * Each tick writes the text (and, when it moved, the bar) straight into the DOM: with 200
 * timers on screen, re-rendering 200 components every second was the larger part of the
 * page's script time. React renders it again only when the cooldown ends.
 */
export function CooldownTimer({ until, durationMs }: CooldownTimerProps) {
  const text = useRef<HTMLSpanElement>(null);
  const bar = useRef<HTMLSpanElement>(null);
  const onTick = useCallback(
    (now: number) => {
      const remaining = until - now;
      if (remaining <= 0) return;
      const nextText = `${LABEL} ${formatCountdown(remaining)}`;
      if (text.current && text.current.textContent !== nextText) text.current.textContent = nextText;
      const nextTransform = barTransform(remaining, durationMs);
      if (bar.current && bar.current.style.transform !== nextTransform) bar.current.style.transform = nextTransform;
    },
    [until, durationMs],
  );
  const now = useTick(onTick);
  const over = useIsPast(until);
  if (over) return null;
  const remaining = until - now;
  return (
    <div role="timer" aria-live="off" className="flex min-w-36 flex-col gap-1">
      <span ref={text} className="text-sm font-medium tabular-nums text-amber-800">
        {`${LABEL} ${formatCountdown(remaining)}`}
      </span>
      <span aria-hidden="true" className="block h-1 w-full overflow-hidden rounded bg-amber-100">
        <span
          ref={bar}
          className="block h-full origin-left rounded bg-amber-500"
          style={{ transform: barTransform(remaining, durationMs) }}
        />
      </span>
    </div>
  );
}
