"use client";

import { useState, useSyncExternalStore } from "react";
import { Button } from "@/components/ui/button";

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
const noSubscription = () => () => {};

/**
 * The hand-off page's part that runs in the browser: the commands for the agent's machine,
 * and "Reveal key here", which sends the fragment's token in a POST only when clicked.
 */
export function HandoffActions({ id }: { id: string }) {
  const [state, setState] = useState<
    { kind: "idle" } | { kind: "pending" } | { kind: "revealed"; apiKey: string } | { kind: "failed"; message: string }
  >({ kind: "idle" });
  // The console's origin as the browser sees it; empty on the server, so hydration agrees.
  const origin = useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => "",
  );

  async function reveal() {
    const token = window.location.hash.slice(1);
    if (!TOKEN_PATTERN.test(token)) {
      setState({
        kind: "failed",
        message: "This page was opened without the token (the part of the link after #). Open the whole link.",
      });
      return;
    }
    setState({ kind: "pending" });
    try {
      const response = await fetch(`/api/handoff/${id}/redeem`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
        cache: "no-store",
      });
      const body = (await response.json()) as { api_key?: string; message?: string };
      // The token is spent either way: it need not stay in the address bar or the history.
      window.history.replaceState(null, "", window.location.pathname);
      if (response.ok && typeof body.api_key === "string") setState({ kind: "revealed", apiKey: body.api_key });
      else setState({ kind: "failed", message: body.message ?? "The console refused to give the key." });
    } catch {
      setState({ kind: "failed", message: "The console could not be reached. Try again." });
    }
  }

  return (
    <>
      <section className="rounded-md border border-slate-300 bg-slate-50 p-4 text-sm text-slate-800">
        <h2 className="font-semibold">On the agent&apos;s machine (Node 18 or newer)</h2>
        <pre className="mt-2 overflow-x-auto whitespace-pre-wrap break-all font-mono text-xs">{`curl -fsSLO ${origin}/handoff/receive.mjs\nnode receive.mjs '<this link, with the part after #>'`}</pre>
        <p className="mt-2">
          It writes the key to credentials.json in $LIGHTNING_WALLET_HOME (default ~/.lightning-wallet), mode 0600,
          keeping an operator entry. Without Node:
        </p>
        <pre className="mt-2 overflow-x-auto whitespace-pre-wrap break-all font-mono text-xs">{`curl -fsS -X POST -H 'Authorization: Bearer <the part after #>' '${origin}/api/handoff/${id}/redeem?format=env'`}</pre>
        <p className="mt-2">The link works once: whoever collects it first gets the key.</p>
      </section>
      <section className="flex flex-col gap-2">
        {state.kind === "revealed" ? (
          <>
            <p className="text-sm text-slate-800">
              The key was collected here; the link is now used up. Paste it where the agent reads it:
            </p>
            <code
              aria-label="API key"
              className="break-all rounded border border-slate-300 bg-white p-2 font-mono text-sm"
            >
              {state.apiKey}
            </code>
          </>
        ) : (
          <div>
            <Button
              variant="secondary"
              onClick={() => void reveal()}
              disabled={state.kind === "pending"}
              aria-busy={state.kind === "pending"}
            >
              Reveal key here
            </Button>
            <p className="mt-1 text-xs text-slate-600">
              Only for a person who must paste the key by hand: it uses up the link.
            </p>
          </div>
        )}
        {state.kind === "failed" && (
          <p role="alert" className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900">
            {state.message}
          </p>
        )}
      </section>
    </>
  );
}
