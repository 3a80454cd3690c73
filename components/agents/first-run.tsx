"use client";

import { Button } from "@/components/ui/button";
import { lifecycle } from "./lifecycle-on-demand";

/** What an operator without agents sees instead of an empty table: the one thing to do next. */
export function FirstRun({ onCreate, busy }: { onCreate: () => void; busy: boolean }) {
  return (
    <section
      aria-labelledby="first-run"
      className="flex flex-col items-center gap-3 rounded-lg border border-dashed border-slate-300 bg-white p-8 text-center text-slate-700"
    >
      <h2 id="first-run" className="text-lg font-semibold text-slate-900">
        Create your first agent
      </h2>
      <p className="max-w-prose text-sm">
        This operator has no agents yet. An agent gets its own key, balance and budget, so a leaked key risks only what
        that agent holds. Agents created with the faucet&apos;s <code>create_agent</code> appear here too.
      </p>
      <Button onPointerEnter={lifecycle.load} onFocus={lifecycle.load} onClick={onCreate} aria-busy={busy}>
        Create your first agent
      </Button>
    </section>
  );
}
