"use client";

import { useRouter } from "next/navigation";
import { useId, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { clearRotationPolicyAction, setRotationPolicyAction } from "@/lib/actions/rotation-policy";
import { signInPageFor } from "@/lib/action-result";
import { policyWords } from "@/lib/agents/policy-due";

type RotationPolicyFormProps = {
  /** Null: the operator-wide policy. */
  agentId: number | null;
  /** The policy set here, if any. */
  everyDays: number | null;
  /** What applies without one (an agent under the operator-wide policy). */
  inheritedDays?: number | null;
  /** False: the policy only reminds (the agent has no connected host). */
  hostConnected?: boolean;
};

/**
 * "Rotate every N days": set or clear one policy. Setting one arms the worker with this
 * session's operator key (README "Rotation policies"); the page's facts are read again after.
 */
export function RotationPolicyForm({
  agentId,
  everyDays,
  inheritedDays = null,
  hostConnected = true,
}: RotationPolicyFormProps) {
  const router = useRouter();
  const inputId = useId();
  const [days, setDays] = useState(String(everyDays ?? inheritedDays ?? 90));
  const [message, setMessage] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();
  const subject = agentId === null ? "all agents" : "this agent";

  const run = (work: () => ReturnType<typeof setRotationPolicyAction>, done: string) =>
    startTransition(async () => {
      const result = await work();
      if (!result.ok) {
        const signIn = signInPageFor(result);
        if (signIn) return router.push(signIn);
        setMessage(result.message);
        return;
      }
      setMessage(done);
      router.refresh();
    });

  const save = () => {
    const value = Number(days);
    if (!Number.isInteger(value) || value < 1 || value > 3650) {
      setMessage("Enter a whole number of days from 1 to 3650.");
      return;
    }
    run(
      () => setRotationPolicyAction({ agentId, everyDays: value }),
      `Saved: ${subject} rotate ${policyWords(value)}.`,
    );
  };

  return (
    <form
      className="flex flex-wrap items-end gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        save();
      }}
    >
      <label htmlFor={inputId} className="flex flex-col text-sm text-slate-700">
        Rotate every N days
        <input
          id={inputId}
          type="number"
          min={1}
          max={3650}
          inputMode="numeric"
          value={days}
          onChange={(event) => setDays(event.target.value)}
          className="mt-1 w-28 rounded-md border border-slate-300 px-2 py-1 tabular-nums"
        />
      </label>
      <Button type="submit" disabled={pending}>
        {everyDays === null ? "Set policy" : "Save policy"}
      </Button>
      {everyDays !== null && (
        <Button
          type="button"
          variant="secondary"
          disabled={pending}
          onClick={() => run(() => clearRotationPolicyAction({ agentId }), "Policy cleared.")}
        >
          Clear policy
        </Button>
      )}
      <p className="w-full text-sm text-slate-600">
        {everyDays === null
          ? inheritedDays !== null
            ? `No policy of its own: the operator-wide one applies (every ${inheritedDays} days).`
            : `No policy for ${subject}.`
          : `Policy: every ${everyDays} days.`}{" "}
        {agentId !== null &&
          (hostConnected
            ? "Its host is connected, so the console rotates the key when it is due."
            : "No connected host: the console reminds you instead of rotating.")}
      </p>
      <p aria-live="polite" className="w-full text-sm text-slate-800">
        {message}
      </p>
    </form>
  );
}
