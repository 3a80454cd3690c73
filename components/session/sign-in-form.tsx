"use client";

import { useActionState, useState } from "react";
import { signIn } from "@/lib/actions/sign-in";
import { signInAsDemo } from "@/lib/actions/sign-in-as-demo";
import { Button } from "@/components/ui/button";

type SignInFormProps = { offerDemo: boolean; notice: string | null };

export function SignInForm({ offerDemo, notice }: SignInFormProps) {
  const [state, submitKey, signingIn] = useActionState(signIn, null);
  const [demoState, submitDemo, openingDemo] = useActionState(signInAsDemo, null);
  const busy = signingIn || openingDemo;
  // Only the form used last speaks: an old demo error must not stand beside a new key error.
  const [lastUsed, setLastUsed] = useState<"key" | "demo">("key");
  // A problem with the pasted key shows under the field; everything else in the alert below.
  const fieldError = state?.fieldErrors?.operatorKey ?? null;
  const message = lastUsed === "key" ? (fieldError ? null : state?.message) : demoState?.message;

  return (
    <div className="flex flex-col gap-6">
      {notice && (
        <p role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900">
          {notice}
        </p>
      )}
      <form action={submitKey} onSubmit={() => setLastUsed("key")} className="flex flex-col gap-3" noValidate>
        <label htmlFor="operator-key" className="text-sm font-medium text-slate-900">
          Operator API key
        </label>
        <input
          id="operator-key"
          name="operatorKey"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          aria-invalid={fieldError ? true : undefined}
          aria-describedby="operator-key-help operator-key-error"
          className="rounded-md border border-slate-300 px-3 py-2 font-mono text-sm focus:border-blue-600 focus:outline-none"
        />
        <p id="operator-key-help" className="text-xs text-slate-600">
          The key that starts with <code>lf_</code>. It is kept only on the server, encrypted with a key that only your
          session cookie holds.
        </p>
        <p id="operator-key-error" aria-live="polite" className="min-h-5 text-sm text-red-700">
          {fieldError}
        </p>
        <Button type="submit" disabled={busy} aria-busy={signingIn}>
          Sign in
        </Button>
      </form>
      {offerDemo && (
        <form
          action={submitDemo}
          onSubmit={() => setLastUsed("demo")}
          className="flex flex-col gap-2 border-t border-slate-200 pt-4"
        >
          <p className="text-sm text-slate-600">
            This console runs on its embedded faucet. Try it with the demo operator:
          </p>
          <Button type="submit" variant="secondary" disabled={busy} aria-busy={openingDemo}>
            Use demo operator
          </Button>
        </form>
      )}
      <p role="alert" className="min-h-5 text-sm text-red-700">
        {message}
      </p>
    </div>
  );
}
