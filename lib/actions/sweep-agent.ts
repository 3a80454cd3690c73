"use server";

import { agentOnlySchema } from "@/lib/agents/agent-change-schemas";
import { changeAction } from "@/lib/changes/change-action";
import { AGENT_CHANGE_LIMIT } from "@/lib/changes/run-change";
import { failure } from "@/lib/action-result";
import { formatUtcTime } from "@/lib/format-utc-time";

/** Moves the agent's whole balance to the operator. */
export const sweepAgent = changeAction(agentOnlySchema, ({ agentId }) => ({
  action: "sweep_agent",
  target: `agent:${agentId}`,
  limit: AGENT_CHANGE_LIMIT,
  call: (faucet, key) => faucet.sweepAgent(key, agentId),
  unknownConsequence:
    "The sats may have been moved anyway. Reload the list and check the agent's balance before sweeping again.",
  // A sweep refused by a cooldown is blocked by the last rotation: say so, and what to do instead.
  refusal: (error) => {
    if (error.kind !== "cooldown") return null;
    const until = error.cooldownUntil ? ` until ${formatUtcTime(error.cooldownUntil)}` : "";
    return failure(
      "faucet_refused",
      `The faucet refused the sweep: this agent's withdrawals are locked${until} by the cooldown of its last key rotation. Nothing was moved. In an incident, sweep before rotating; deactivate the agent now so its key cannot pay meanwhile.`,
    );
  },
}));
