"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useRef, useState } from "react";
import type { ActionFailure, ActionResult } from "@/lib/actions/action-result";
import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { rotateOperatorKey } from "@/lib/actions/rotate-operator-key";
import type { RevealedKey, RotationTarget } from "./rotation-target";

type RotationSuccess = { apiKey: string; cooldownUntil: number; fingerprint: string | null; serverNow: number; sessionWarning: string | null };

type FlowState =
  | { step: "idle" }
  | { step: "confirm"; target: RotationTarget; failure: ActionFailure | null }
  | { step: "reveal"; revealed: RevealedKey };

type RotationFlowOptions = {
  /** Called with the outcome as soon as the faucet confirmed, to show the new cooldown at once. */
  onRotated: (target: RotationTarget, outcome: { cooldownUntil: number; fingerprint: string | null; serverNow: number }) => void;
  /** Called when the reveal closes: the moment it is safe to refetch the list. */
  onFinished: () => void;
};

function callAction(target: RotationTarget): Promise<ActionResult<RotationSuccess>> {
  return target.kind === "agent"
    ? rotateAgentKey({ agentId: target.agentId, seenCooldownUntil: target.seenCooldownUntil })
    : rotateOperatorKey({ seenCooldownUntil: target.seenCooldownUntil });
}

/**
 * confirm → one server action → reveal. The new key passes through the mutation only
 * for the moment it takes to move it into the reveal state; the mutation is reset at
 * once so no cache keeps it.
 */
export function useRotationFlow({ onRotated, onFinished }: RotationFlowOptions) {
  const router = useRouter();
  const [state, setState] = useState<FlowState>({ step: "idle" });
  const mutation = useMutation({ mutationFn: callAction, retry: false, gcTime: 0 });
  // A ref, not mutation.isPending: twenty clicks can land before React re-renders once.
  const inFlight = useRef(false);
  // The button that started the flow: focus goes back to it when the reveal closes, because
  // the confirmation's button that opened the reveal no longer exists by then.
  const startedFrom = useRef<HTMLElement | null>(null);

  async function confirm() {
    if (state.step !== "confirm" || inFlight.current) return;
    inFlight.current = true;
    const { target } = state;
    let result: ActionResult<RotationSuccess>;
    try {
      result = await mutation.mutateAsync(target);
    } catch {
      // The action itself never throws for expected failures; this is the network or a crash.
      result = {
        ok: false,
        code: "outcome_unknown",
        message: "Outcome unknown: the console did not answer. The faucet may have rotated the key, so the old key may already be invalid. Rotate again to get a key you can use.",
      };
    } finally {
      mutation.reset();
      inFlight.current = false;
    }
    if (result.ok) {
      const { apiKey, cooldownUntil, fingerprint, serverNow, sessionWarning } = result.data;
      onRotated(target, { cooldownUntil, fingerprint, serverNow });
      setState({ step: "reveal", revealed: { target, apiKey, cooldownUntil, warning: sessionWarning } });
      return;
    }
    if (result.code === "signed_out" || result.code === "session_expired") {
      // Say which: an ordinary expiry must not read as "your key was revoked".
      router.replace(result.code === "signed_out" ? "/?reason=key_invalid" : "/?reason=signed_out");
      return;
    }
    // The agent is gone: refetching now is safe (no key is on screen) and shows it.
    if (result.code === "not_found") onFinished();
    setState({ step: "confirm", target, failure: result });
  }

  // Stable, so the table's rows need not re-render when the flow's state changes.
  const start = useCallback((target: RotationTarget) => {
    startedFrom.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setState({ step: "confirm", target, failure: null });
  }, []);

  return {
    confirmTarget: state.step === "confirm" ? state.target : null,
    failure: state.step === "confirm" ? state.failure : null,
    revealed: state.step === "reveal" ? state.revealed : null,
    pending: mutation.isPending,
    start,
    /** Where focus belongs once the flow ends; null when that element is gone. */
    returnFocusTo: () => (startedFrom.current?.isConnected ? startedFrom.current : null),
    confirm,
    cancel: () => setState({ step: "idle" }),
    finish: () => {
      setState({ step: "idle" });
      onFinished();
    },
  };
}
