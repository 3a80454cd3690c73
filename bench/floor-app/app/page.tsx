"use client";

import { rotateAgentKey } from "./rotate-agent-key";

/** One button calling the action, so the action is in the build; the bench calls it over HTTP. */
export default function Page() {
  return (
    <button type="button" onClick={() => void rotateAgentKey({ agentId: 1 })}>
      Rotate
    </button>
  );
}
