"use client";

import Link from "next/link";
import type { OperatorSummary } from "@/lib/agents/agents-view";
import { CooldownTimer } from "@/components/time/cooldown-timer";
import { Button, buttonClass } from "@/components/ui/button";
import { SignOutButtons } from "@/components/session/sign-out-buttons";
import { OPERATOR_COOLDOWN_MS } from "@/lib/keys/cooldowns";
import { formatSats } from "./format-sats";

type OperatorPanelProps = {
  operator: OperatorSummary;
  onRotate: () => void;
  /** Agents with at least one flag, and how to show just them (the "Needs attention" filter). */
  needsAttention: number;
  onShowAttention: () => void;
};

export function OperatorPanel({ operator, onRotate, needsAttention, onShowAttention }: OperatorPanelProps) {
  return (
    <header className="flex flex-wrap items-center justify-between gap-4 rounded-lg border border-slate-200 bg-white p-4">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">{operator.name}</h1>
        <p className="text-sm text-slate-600">
          Operator #{operator.id} · Balance <span className="tabular-nums">{formatSats(operator.balanceSats)}</span>
          {operator.keyTail && (
            <>
              {" "}
              · Key <code className="font-mono">lf_…{operator.keyTail}</code>
            </>
          )}
        </p>
        {needsAttention > 0 && (
          <p className="mt-1 text-sm">
            <button
              type="button"
              onClick={onShowAttention}
              className="font-medium text-amber-900 underline underline-offset-2 hover:text-amber-950"
            >
              {needsAttention === 1
                ? "1 agent needs attention"
                : `${needsAttention.toLocaleString("en-US")} agents need attention`}
            </button>
          </p>
        )}
      </div>
      <div className="flex flex-wrap items-center gap-4">
        {operator.cooldownUntil && <CooldownTimer until={operator.cooldownUntil} durationMs={OPERATOR_COOLDOWN_MS} />}
        <Button variant="secondary" onClick={onRotate}>
          Rotate operator key
        </Button>
        <Link href="/agents/policies" prefetch={false} className={buttonClass("ghost")}>
          Rotation policies
        </Link>
        {/* Not prefetched: the agents page should not read the audit log on every visit. */}
        <Link href="/audit" prefetch={false} className={buttonClass("ghost")}>
          Audit log
        </Link>
        <SignOutButtons />
      </div>
    </header>
  );
}
