"use client";

import { Button } from "@/components/ui/button";

/** The last line of defence: a clear message and a retry, never a stack trace. */
export default function AgentsError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div
      role="alert"
      className="flex flex-col items-start gap-3 rounded-lg border border-red-300 bg-red-50 p-6 text-red-900"
    >
      <h1 className="text-lg font-semibold">The agents page failed to load</h1>
      <p className="text-sm">Something went wrong in the console. Your keys were not changed.</p>
      <Button onClick={reset}>Retry</Button>
    </div>
  );
}
