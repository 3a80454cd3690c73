import "server-only";
import type { AgentBudget, FaucetError, Funding, Sweep } from "@/lib/faucet";
import { keyLabel } from "@/lib/keys/key-label";
import { failure, type ActionFailure, type ActionResult } from "@/lib/results/action-result";
import { formatUtcTime } from "@/lib/time/format-utc-time";
import type { OperatorSession } from "@/lib/session/session-data";
import type { CreateAgentFields } from "./agent-change-schemas";
import { changeAgent } from "./change-agent";

/**
 * Each lifecycle step as one changeAgent() run: its audit action, its one faucet call and
 * what a lost answer means for it. The server actions in lib/actions/ are thin wrappers.
 */

export type CreatedAgentKey = { agentId: number; name: string; apiKey: string };

const RELOAD_FIRST = "Reload the list and look for it before creating it again, or the operator will have two agents.";

export function createAgent(session: OperatorSession, fields: CreateAgentFields): Promise<ActionResult<CreatedAgentKey>> {
  return changeAgent({
    session,
    action: "create_agent",
    target: "operator",
    call: (faucet, key) => faucet.createAgent(key, { name: fields.name, description: fields.description, budgetLimitSats: fields.budget }),
    unknownConsequence: `The faucet may have created the agent anyway, and its key would then never be shown. ${RELOAD_FIRST}`,
    outcome: (created) => {
      // As a rotation: the key goes back in this reply only; the log keeps its label.
      if (!created.apiKey) {
        return {
          auditTarget: `agent:${created.agentId}`,
          audit: { outcome: "key_missing" },
          result: failure(
            "key_missing",
            `The faucet created ${created.name} (agent ${created.agentId}) but sent no key, so its only key was never shown. Rotate its key to get one it can use.`,
          ),
        };
      }
      return {
        auditTarget: `agent:${created.agentId}`,
        audit: { outcome: "ok", keyFingerprint: keyLabel(created.apiKey) },
        result: { ok: true, data: { agentId: created.agentId, name: created.name, apiKey: created.apiKey } },
      };
    },
  });
}

export function setAgentActive(
  session: OperatorSession,
  agentId: number,
  isActive: boolean,
  batchId: string | null = null,
): Promise<ActionResult<{ agentId: number; isActive: boolean }>> {
  return changeAgent({
    session,
    batchId,
    action: isActive ? "reactivate_agent" : "deactivate_agent",
    target: `agent:${agentId}`,
    call: (faucet, key) => faucet.setAgentActive(key, agentId, isActive),
    unknownConsequence: isActive
      ? "The agent may have been reactivated anyway. Reload the list to see its state before trying again."
      : "The agent may not have been deactivated: its key may still pay. Reload the list to see its state, and deactivate again if it is still active.",
  });
}

export function setAgentBudget(session: OperatorSession, agentId: number, budgetLimitSats: number | null): Promise<ActionResult<AgentBudget>> {
  return changeAgent({
    session,
    action: "set_budget",
    target: `agent:${agentId}`,
    call: (faucet, key) => faucet.setAgentBudget(key, agentId, budgetLimitSats),
    unknownConsequence: "The budget may have changed anyway. Open the agent's details to see its budget before trying again.",
  });
}

function sweepRefusal(error: FaucetError): ActionFailure | null {
  if (error.kind !== "cooldown") return null;
  const until = error.cooldownUntil ? ` until ${formatUtcTime(error.cooldownUntil)}` : "";
  return failure(
    "faucet_refused",
    `The faucet refused the sweep: this agent's withdrawals are locked${until} by the cooldown of its last key rotation. Nothing was moved. In an incident, sweep before rotating; deactivate the agent now so its key cannot pay meanwhile.`,
  );
}

export function sweepAgent(session: OperatorSession, agentId: number): Promise<ActionResult<Sweep>> {
  return changeAgent({
    session,
    action: "sweep_agent",
    target: `agent:${agentId}`,
    call: (faucet, key) => faucet.sweepAgent(key, agentId),
    unknownConsequence: "The sats may have been moved anyway. Reload the list and check the agent's balance before sweeping again.",
    refusal: sweepRefusal,
  });
}

export function fundAgent(session: OperatorSession, agentId: number, amountSats: number): Promise<ActionResult<Funding>> {
  return changeAgent({
    session,
    action: "fund_agent",
    target: `agent:${agentId}`,
    call: (faucet, key) => faucet.fundAgent(key, agentId, amountSats),
    unknownConsequence: "The sats may have been sent anyway. Reload the list and check the agent's balance before funding again, or it may be funded twice.",
  });
}

export function deleteAgent(session: OperatorSession, agentId: number): Promise<ActionResult<{ returnedSats: number }>> {
  return changeAgent({
    session,
    action: "delete_agent",
    target: `agent:${agentId}`,
    call: (faucet, key) => faucet.deleteAgent(key, agentId),
    unknownConsequence: "The agent may have been deleted anyway. Reload the list to see whether it is still there.",
  });
}
