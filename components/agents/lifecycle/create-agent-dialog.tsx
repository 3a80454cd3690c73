"use client";

import * as Dialog from "@radix-ui/react-dialog";
import { useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { createAgent } from "@/lib/actions/create-agent";
import {
  AGENT_DESCRIPTION_MAX,
  AGENT_NAME_MAX,
  createAgentFieldsSchema,
  fieldErrorsOf,
  type FieldErrors,
} from "@/lib/agents/agent-change-schemas";
import { mayHaveCommitted, type ActionFailure } from "@/lib/action-result";
import { Field } from "./field";
import { useAgentChange } from "./use-agent-change";

export type CreatedAgent = { agentId: number; name: string; apiKey: string };

type CreateAgentDialogProps = {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The new agent and its first key: the caller shows the one-time reveal. */
  onCreated: (created: CreatedAgent) => void;
  /** After an unknown outcome: the list must be reloaded before anyone creates again. */
  onReload: () => void;
};

const SILENT =
  "Outcome unknown: the console did not answer. The faucet may have created the agent anyway. Reload the list and look for it before creating it again, or the operator will have two agents.";

/** Failures after which "Create agent" again could make a second agent: no blind retry is offered. */

export function CreateAgentDialog({ open, onOpenChange, onCreated, onReload }: CreateAgentDialogProps) {
  const [form, setForm] = useState({ name: "", description: "", budget: "" });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [failure, setFailure] = useState<ActionFailure | null>(null);
  const change = useAgentChange(createAgent, SILENT);
  const blocked = failure !== null && mayHaveCommitted(failure.code);

  function reset() {
    setForm({ name: "", description: "", budget: "" });
    setFieldErrors({});
    setFailure(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (blocked) return;
    // Checked here first so a bad field costs no request; the action checks again.
    const parsed = createAgentFieldsSchema.safeParse(form);
    if (!parsed.success) {
      setFieldErrors(fieldErrorsOf(parsed.error));
      return;
    }
    setFieldErrors({});
    setFailure(null);
    const result = await change.run(form);
    if (!result) return;
    if (result.ok) {
      reset();
      onCreated(result.data);
      return;
    }
    setFieldErrors(result.fieldErrors ?? {});
    setFailure(result);
  }

  const update = (field: keyof typeof form) => (event: { target: { value: string } }) =>
    setForm((current) => ({ ...current, [field]: event.target.value }));

  return (
    <Dialog.Root
      open={open}
      onOpenChange={(next) => {
        if (change.pending) return;
        if (!next) reset();
        onOpenChange(next);
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 bg-slate-900/50" />
        <Dialog.Content className="fixed left-1/2 top-1/2 z-50 max-h-[92vh] w-[min(32rem,92vw)] -translate-x-1/2 -translate-y-1/2 overflow-y-auto rounded-lg bg-white p-6 shadow-xl">
          <Dialog.Title className="text-lg font-semibold text-slate-900">New agent</Dialog.Title>
          <Dialog.Description className="mt-2 text-sm text-slate-700">
            The faucet creates a wallet for the agent and its first API key, which is shown once.
          </Dialog.Description>
          <form noValidate onSubmit={submit} className="mt-4 flex flex-col gap-4">
            <Field
              id="agent-name"
              label="Name"
              value={form.name}
              onChange={update("name")}
              error={fieldErrors.name}
              maxLength={AGENT_NAME_MAX * 2}
              autoComplete="off"
            />
            <Field
              id="agent-description"
              label="Description (optional)"
              value={form.description}
              onChange={update("description")}
              error={fieldErrors.description}
              maxLength={AGENT_DESCRIPTION_MAX * 2}
              autoComplete="off"
            />
            <Field
              id="agent-budget"
              label="Budget (sats)"
              hint="Optional. Leave empty for unlimited."
              inputMode="numeric"
              value={form.budget}
              onChange={update("budget")}
              error={fieldErrors.budget}
              autoComplete="off"
            />
            {failure && !failure.fieldErrors && (
              <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
                {failure.message}
              </p>
            )}
            <div className="flex flex-wrap justify-end gap-3">
              <Dialog.Close asChild>
                <Button variant="secondary" disabled={change.pending}>
                  {blocked ? "Close" : "Cancel"}
                </Button>
              </Dialog.Close>
              {blocked ? (
                <Button
                  onClick={() => {
                    reset();
                    onReload();
                  }}
                >
                  Reload agents
                </Button>
              ) : (
                <Button type="submit" disabled={change.pending} aria-busy={change.pending}>
                  Create agent
                </Button>
              )}
            </div>
            <p aria-live="polite" className="sr-only">
              {change.pending ? "Creating…" : ""}
            </p>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
