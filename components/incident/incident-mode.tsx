"use client";

import { useEffect, useState } from "react";
import { Button } from "@/components/ui/button";
import { onDemand } from "@/components/ui/on-demand";
import type { IncidentPanelProps } from "./incident-panel";
import { selectedCount } from "./selection";

/**
 * Incident mode's panel (bulk confirmation, progress, the sheet of new keys), loaded on first
 * use: pointer over or focus on a row's checkbox starts the download, ticking one asks for it.
 * Everything a bulk run needs is in this one part, so a run, once started, never waits on a
 * download between the faucet's reply and the sheet of keys.
 */
export const incidentMode = onDemand(() => import("./incident-panel"));

export function IncidentMode(props: IncidentPanelProps) {
  const part = incidentMode.useStatus();
  const selected = selectedCount(props.selection) > 0;
  // Once wanted, the panel stays: a run goes on, and its summary stays, after the selection is cleared.
  const [wanted, setWanted] = useState(selected);
  if (selected && !wanted) setWanted(true);
  // Ticking a box without pointer or focus on it first (a script, an assistive tool) still loads it.
  useEffect(() => {
    if (wanted) incidentMode.load();
  }, [wanted]);
  if (!wanted) return null;
  if (part.status === "ready") return <part.module.IncidentPanel {...props} />;
  if (part.status === "failed" || (part.status === "loading" && part.retrying)) {
    const retrying = part.status === "loading";
    return (
      <div
        role="alert"
        className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900"
      >
        <p>
          <strong>Incident mode could not be loaded.</strong> This part of the console is downloaded when first used,
          and the download failed: the network may be down. Nothing was changed.
        </p>
        <Button variant="secondary" onClick={incidentMode.retry} aria-busy={retrying}>
          {retrying ? "Retrying…" : "Retry"}
        </Button>
      </div>
    );
  }
  return (
    <p role="status" className="rounded-lg border border-slate-200 bg-white p-3 text-sm text-slate-600">
      Loading incident mode…
    </p>
  );
}
