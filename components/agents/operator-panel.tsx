"use client";

import Link from "next/link";
import type { OperatorSummary } from "@/lib/agents/agents-view";
import { CooldownTimer } from "@/components/time/cooldown-timer";
import { Button, buttonClass } from "@/components/ui/button";
import { SignOutButtons } from "@/components/session/sign-out-buttons";
import { OPERATOR_COOLDOWN_MS } from "@/lib/keys/cooldowns";
import { formatSats } from "./format-sats";

type OperatorPanelProps = { operator: OperatorSummary; onRotate: () => void };

export function OperatorPanel({ operator, onRotate }: OperatorPanelProps) {
  return (
    <header className="flex flex-wrap items-center justify-between gap-4 rounded-lg border border-slate-200 bg-white p-4">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">{operator.name}</h1>
        <p className="text-sm text-slate-600">
          Operator #{operator.id} · Balance <span className="tabular-nums">{formatSats(operator.balanceSats)}</span>
          {operator.keyTail && (
            <>
              {" "}· Key <code className="font-mono">lf_…{operator.keyTail}</code>
            </>
          )}
        </p>
      </div>
      <div className="flex flex-wrap items-center gap-4">
        {operator.cooldownUntil && <CooldownTimer until={operator.cooldownUntil} durationMs={OPERATOR_COOLDOWN_MS} />}
        <Button variant="secondary" onClick={onRotate}>
          Rotate operator key
        </Button>
        {/* Not prefetched: the agents page should not read the audit log on every visit. */}
        <Link href="/audit" prefetch={false} className={buttonClass("ghost")}>
          Audit log
        </Link>
        <SignOutButtons />
      </div>
    </header>
  );
}
