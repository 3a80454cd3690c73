import type { ComponentProps } from "react";

type FieldProps = ComponentProps<"input"> & { id: string; label: string; hint?: string; error?: string };

/** A labelled input whose hint and error are tied to it for screen readers. */
export function Field({ id, label, hint, error, className = "", ...input }: FieldProps) {
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div className="flex flex-col gap-1">
      <label htmlFor={id} className="text-sm font-medium text-slate-900">
        {label}
      </label>
      <input
        id={id}
        aria-invalid={error ? true : undefined}
        aria-describedby={described}
        className={`rounded-md border px-3 py-2 text-sm text-slate-900 ${error ? "border-red-600" : "border-slate-400"} ${className}`}
        {...input}
      />
      {hint && (
        <p id={`${id}-hint`} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-800">
          {error}
        </p>
      )}
    </div>
  );
}
