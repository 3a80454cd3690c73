"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useRef } from "react";
import { signInPageFor, type ActionFailure, type ActionResult } from "@/lib/action-result";

/**
 * One confirmation → one server action, never retried. A ref, not mutation.isPending,
 * guards double clicks: twenty clicks can land before React re-renders once. A failure
 * that ended the session goes to the sign-in page; any other comes back to the dialog.
 */
export function useAgentChange<Input, Output>(
  action: (input: Input) => Promise<ActionResult<Output>>,
  silentMessage: string,
) {
  const router = useRouter();
  const mutation = useMutation({ mutationFn: action, retry: false, gcTime: 0 });
  const inFlight = useRef(false);

  async function run(input: Input): Promise<ActionResult<Output> | null> {
    if (inFlight.current) return null;
    inFlight.current = true;
    let result: ActionResult<Output>;
    try {
      result = await mutation.mutateAsync(input);
    } catch {
      // The action never throws for expected failures: this is the network or a crash, after
      // which the faucet may or may not have made the change.
      const silent: ActionFailure = { ok: false, code: "outcome_unknown", message: silentMessage };
      result = silent;
    } finally {
      // The reply may hold a new key (create): no cache keeps it.
      mutation.reset();
      inFlight.current = false;
    }
    const signInPage = result.ok ? null : signInPageFor(result);
    if (signInPage) {
      router.replace(signInPage);
      return null;
    }
    return result;
  }

  return { run, pending: mutation.isPending };
}
