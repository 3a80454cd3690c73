"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useCallback, useRef, useState } from "react";
import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { rotateOperatorKey } from "@/lib/actions/rotate-operator-key";
import { mayHaveCommitted, signInPageFor, type ActionFailure, type ActionResult } from "@/lib/action-result";
// The server's own type (erased at build: nothing of rotate.ts reaches the browser).
import type { Rotated } from "@/lib/keys/rotate";
import type { RotatedWithHandoff } from "@/lib/handoff/rotation-handoff";
import type { WithDelivery } from "@/lib/hosts/sealed-delivery";
import type { RevealedKey, RotationTarget } from "./rotation-target";

/** What one confirmation sends besides its target: see lib/keys/rotation-attempts.ts for the rules. */
type Confirmation = {
  target: RotationTarget;
  knownRotationAt: number | null;
  ownAttemptId: string | null;
  handOff?: boolean;
  /** "Show key anyway" for an agent whose host receives its keys. */
  showKey?: boolean;
};

type FlowState =
  | { step: "idle" }
  | ({ step: "confirm"; failure: ActionFailure | null } & Confirmation)
  | { step: "reveal"; revealed: RevealedKey };

type RotationFlowOptions = {
  /** Called with the outcome as soon as the faucet confirmed, to show the new cooldown at once. */
  onRotated: (target: RotationTarget, outcome: Omit<Rotated, "apiKey" | "warning" | "handoff" | "delivered">) => void;
  /** Called when the reveal closes: the moment it is safe to refetch the list. */
  onFinished: () => void;
};

type Sent = Confirmation & { attemptId: string };

/** An agent rotation may answer with a hand-off link or a host delivery instead of the key; the operator key never does. */
type RotationReply =
  | WithDelivery<RotatedWithHandoff>
  | (WithDelivery<Rotated> & { handoff?: undefined })
  | (Rotated & { handoff?: undefined; delivered?: undefined });

function callAction({
  target,
  attemptId,
  knownRotationAt,
  ownAttemptId,
  handOff,
  showKey,
}: Sent): Promise<ActionResult<RotationReply>> {
  return target.kind === "agent"
    ? rotateAgentKey({
        agentId: target.agentId,
        attemptId,
        knownRotationAt,
        ownAttemptId,
        ...(handOff ? { handOff: { agentName: target.name } } : {}),
        ...(showKey ? { showKey: true } : {}),
      })
    : rotateOperatorKey({ attemptId, knownRotationAt, ownAttemptId });
}

/** Failures after which the faucet may hold a new key this page never saw: the next send names this attempt as its own. */

const CONSOLE_SILENT: ActionFailure = {
  ok: false,
  code: "outcome_unknown",
  message:
    "Outcome unknown: the console did not answer. The faucet may have rotated the key, so the old key may already be invalid. Rotate again to get a key you can use.",
};

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

  async function send(confirmation: Confirmation) {
    if (inFlight.current) return;
    inFlight.current = true;
    const attemptId = crypto.randomUUID();
    let result: ActionResult<RotationReply>;
    try {
      result = await mutation.mutateAsync({ ...confirmation, attemptId });
    } catch {
      // The action itself never throws for expected failures; this is the network or a crash
      // (or a reply lost after the faucet rotated: the attempt id above is how the next
      // "Rotate again" says that rotation was its own).
      result = CONSOLE_SILENT;
    } finally {
      mutation.reset();
      inFlight.current = false;
    }
    const { target } = confirmation;
    if (result.ok) {
      const { apiKey, warning, handoff, delivered, ...outcome } = result.data;
      onRotated(target, outcome);
      setState({
        step: "reveal",
        revealed: {
          target,
          apiKey,
          attemptId: outcome.attemptId,
          handoff: handoff ?? null,
          delivered: delivered ?? null,
          cooldownUntil: outcome.cooldownUntil,
          warning,
        },
      });
      return;
    }
    const signInPage = signInPageFor(result);
    if (signInPage) {
      router.replace(signInPage);
      return;
    }
    // The agent is gone: refetching now is safe (no key is on screen) and shows it.
    if (result.code === "not_found") onFinished();
    const ownAttemptId = mayHaveCommitted(result.code) ? attemptId : confirmation.ownAttemptId;
    setState({ step: "confirm", ...confirmation, ownAttemptId, failure: result });
  }

  /** handOff: "Hand off without showing me the key" was ticked; showKey: "Show key anyway" (agents only). */
  function confirm(options: { handOff?: boolean; showKey?: boolean } = {}) {
    if (state.step !== "confirm") return;
    const agent = state.target.kind === "agent";
    void send({ ...state, handOff: agent && options.handOff === true, showKey: agent && options.showKey === true });
  }

  /** After "rotated elsewhere": the operator knows of that rotation now, and rotates anyway. */
  function confirmAnyway() {
    if (state.step !== "confirm" || !state.failure?.lastRotation) return;
    void send({ ...state, knownRotationAt: state.failure.lastRotation.at });
  }

  // Stable, so the table's rows need not re-render when the flow's state changes.
  const start = useCallback((target: RotationTarget) => {
    startedFrom.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    setState({
      step: "confirm",
      target,
      knownRotationAt: target.lastRotation?.at ?? null,
      ownAttemptId: null,
      failure: null,
    });
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
    confirmAnyway,
    cancel: () => setState({ step: "idle" }),
    finish: () => {
      setState({ step: "idle" });
      onFinished();
    },
  };
}
