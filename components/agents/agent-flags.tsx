"use client";

import { useNowReader } from "@/components/time/now-provider";
import type { AgentRow } from "@/lib/agents/agents-view";
import { flagLabel, formatKeyAge, keySince } from "@/lib/agents/key-age";

/**
 * The key's age, in whole days. Read from the page clock at render: a day-sized figure need
 * not re-render on every tick, and the first render uses the server's time, as the HTML did.
 */
export function KeyAgeCell({ agent }: { agent: AgentRow }) {
  const now = useNowReader()();
  const since = keySince(agent);
  return (
    <span
      className="tabular-nums"
      title={
        since === null
          ? "The faucet did not say when this agent was created"
          : `Key made ${new Date(since).toISOString().slice(0, 10)}`
      }
    >
      {formatKeyAge(since, now)}
    </span>
  );
}

/** The agent's flags, one short line each (key-age.ts says what raises them); nothing when none. */
export function FlagList({ agent, className = "" }: { agent: AgentRow; className?: string }) {
  if (agent.flags.length === 0) return null;
  return (
    <ul
      aria-label={`Needs attention: ${agent.name}`}
      className={`flex flex-col gap-0.5 text-xs leading-4 ${className}`}
    >
      {agent.flags.map((flag) => (
        <li
          key={flag.kind}
          data-flag={flag.kind}
          className="truncate font-medium text-amber-900"
          title={flagLabel(flag)}
        >
          <span aria-hidden="true">⚠ </span>
          {flagLabel(flag)}
        </li>
      ))}
    </ul>
  );
}
