"use client";

import { useState, type Ref } from "react";
import { Button } from "@/components/ui/button";
import { formatUtcTime } from "@/lib/format-utc-time";
import type { HandoffLinkParts } from "./rotation-target";
import { handoffLink } from "./secret-links";

type HandoffLinkPanelProps = {
  handoff: HandoffLinkParts;
  agentName: string;
  onCopied: () => void;
  copyButton?: Ref<HTMLButtonElement>;
};

/** A hand-off's link, shown once (like a key) with Copy link; it lives in the reveal dialog's state only. */
export function HandoffLinkPanel({ handoff, agentName, onCopied, copyButton }: HandoffLinkPanelProps) {
  const [copyStatus, setCopyStatus] = useState<"idle" | "copied" | "failed">("idle");
  const link = handoffLink(window.location.origin, handoff);
  async function copy() {
    try {
      await navigator.clipboard.writeText(link);
      setCopyStatus("copied");
      onCopied();
    } catch {
      setCopyStatus("failed");
    }
  }
  return (
    <section
      aria-label="Hand-off for the agent"
      className="mt-4 rounded-md border border-emerald-300 bg-emerald-50 p-3"
    >
      <p className="text-sm text-slate-800">
        Give this link to {agentName}&apos;s machine:{" "}
        <code className="font-mono">node receive.mjs &apos;&lt;link&gt;&apos;</code> collects the key once. The link is
        shown once and works until {formatUtcTime(handoff.expiresAt)}.
      </p>
      <code
        aria-label="Hand-off link"
        className="mt-2 block break-all rounded bg-white p-2 font-mono text-sm text-slate-900"
      >
        {link}
      </code>
      <div className="mt-2 flex flex-wrap gap-2">
        <Button ref={copyButton} onClick={copy}>
          Copy link
        </Button>
        <span role="status" className="self-center text-sm text-slate-700">
          {copyStatus === "copied"
            ? "Link copied to the clipboard."
            : copyStatus === "failed"
              ? "Copying failed: select the link and copy it by hand."
              : ""}
        </span>
      </div>
    </section>
  );
}
