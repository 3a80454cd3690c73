"use client";

import * as AlertDialog from "@radix-ui/react-alert-dialog";
import { useEffect, useRef, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import type { AgentRow } from "@/lib/agents/agents-view";
import type { ActionFailure } from "@/lib/action-result";
import { Field } from "./field";
import { AGENT_CHANGES, type AgentChangeKind, type AgentChangeSpec, type RowChange } from "./agent-change-kinds";
import { useAgentChange } from "./use-agent-change";

export type AgentChangeRequest = { kind: AgentChangeKind; agent: AgentRow };

type AgentChangeDialogProps = {
  request: AgentChangeRequest | null;
  /** The change is made: patch the row at once (the dialog stays open to say what happened). */
  onChanged: (agentId: number, change: RowChange) => void;
  onClose: () => void;
  /** After an unknown outcome: reload the list rather than confirm blindly again. */
  onReload: () => void;
};

/** Every row action's confirmation: its consequence, an optional field, one server action per click. */
function rowMenuButton(agentId: number): HTMLElement | null {
  return document.querySelector<HTMLElement>(`[data-agent-id="${agentId}"] [data-row-menu]`);
}

export function AgentChangeDialog({ request, onChanged, onClose, onReload }: AgentChangeDialogProps) {
  // Kept past the close (request is null by then): where focus returns.
  const lastAgentId = useRef<number | null>(null);
  useEffect(() => {
    if (request) lastAgentId.current = request.agent.id;
  }, [request]);
  return (
    <AlertDialog.Root open={request !== null} onOpenChange={(open) => !open && onClose()}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
        <AlertDialog.Content
          // The menu item that opened it is gone by now: focus goes back to the row's menu button, if the row still exists.
          // A dialog with a field starts in it; one without starts on Cancel (Radix's default for an alert), the harmless button.
          onOpenAutoFocus={(event) => {
            const field = document.getElementById("agent-change-field");
            if (!field) return;
            event.preventDefault();
            field.focus();
          }}
          onCloseAutoFocus={(event) => {
            const trigger = lastAgentId.current === null ? null : rowMenuButton(lastAgentId.current);
            if (!trigger) return;
            event.preventDefault();
            trigger.focus();
          }}
          className="fixed left-1/2 top-1/2 z-50 max-h-[92vh] w-[min(32rem,92vw)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-6 shadow-xl"
        >
          {/* Keyed: a new request starts with an empty field and no message. */}
          {request && (
            <ChangeForm
              key={`${request.kind}:${request.agent.id}`}
              request={request}
              spec={AGENT_CHANGES[request.kind]}
              onChanged={onChanged}
              onReload={onReload}
            />
          )}
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}

type ChangeFormProps = {
  request: AgentChangeRequest;
  spec: AgentChangeSpec;
  onChanged: AgentChangeDialogProps["onChanged"];
  onReload: () => void;
};

function ChangeForm({ request: { agent }, spec, onChanged, onReload }: ChangeFormProps) {
  const [value, setValue] = useState("");
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [failure, setFailure] = useState<ActionFailure | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const change = useAgentChange((input: { value: string }) => spec.run(agent, input.value), spec.silent);
  const unknown = failure?.code === "outcome_unknown";
  const nameMismatch = spec.field && !spec.field.numeric && value !== agent.name;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (done || unknown) return;
    const problem = spec.field?.check(value, agent) ?? null;
    setFieldError(problem);
    if (problem) return;
    setFailure(null);
    const result = await change.run({ value });
    if (!result) return;
    if (result.ok) {
      onChanged(agent.id, result.data.row);
      setDone(result.data.message);
      return;
    }
    setFailure(result);
    // The agent is gone: the list shows that at once.
    if (result.code === "not_found") onChanged(agent.id, { deleted: true });
  }

  return (
    <form noValidate onSubmit={submit}>
      <AlertDialog.Title className="text-lg font-semibold text-slate-900">{spec.title(agent)}</AlertDialog.Title>
      <AlertDialog.Description className="mt-2 text-sm text-slate-700">
        {spec.consequence(agent)}
      </AlertDialog.Description>
      {spec.field && !done && (
        <div className="mt-4">
          <Field
            id="agent-change-field"
            label={spec.field.label}
            hint={spec.field.hint}
            inputMode={spec.field.numeric ? "numeric" : undefined}
            autoComplete="off"
            value={value}
            onChange={(event) => setValue(event.target.value)}
            error={fieldError ?? undefined}
          />
        </div>
      )}
      {failure && (
        <p role="alert" className="mt-4 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
          {failure.message}
        </p>
      )}
      {done && (
        <p
          role="status"
          className="mt-4 rounded-md border border-emerald-300 bg-emerald-50 p-3 text-sm text-emerald-900"
        >
          {done}
        </p>
      )}
      <div className="mt-6 flex flex-wrap justify-end gap-3">
        <AlertDialog.Cancel asChild>
          <Button variant="secondary" disabled={change.pending}>
            {done || failure ? "Close" : "Cancel"}
          </Button>
        </AlertDialog.Cancel>
        {unknown ? (
          <Button onClick={onReload}>Reload agents</Button>
        ) : (
          !done && (
            // Not AlertDialog.Action: that would close the dialog before the result is known.
            <Button
              type="submit"
              variant={spec.danger ? "danger" : "primary"}
              disabled={change.pending || Boolean(nameMismatch)}
              aria-busy={change.pending}
            >
              {spec.confirmLabel(agent)}
            </Button>
          )
        )}
      </div>
      <p aria-live="polite" className="sr-only">
        {change.pending ? "Working…" : ""}
      </p>
    </form>
  );
}
