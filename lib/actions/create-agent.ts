"use server";

import { createAgentFieldsSchema, createAgentFormSchema, fieldErrorsOf } from "@/lib/agents/agent-change-schemas";
import { changeAction } from "@/lib/changes/change-action";
import { AGENT_CHANGE_LIMIT } from "@/lib/changes/run-change";
import { keyLabel } from "@/lib/key-label";
import { failure } from "@/lib/action-result";

const RELOAD_FIRST = "Reload the list and look for it before creating it again, or the operator will have two agents.";

/**
 * Creates an agent. Its first key goes back in this response and nowhere else, like a
 * rotation's; the log keeps its label. The form's strings are checked here again, field by
 * field, so a bad name or budget gets its own message and never reaches the faucet.
 */
export const createAgent = changeAction(createAgentFormSchema, (form) => {
  const parsed = createAgentFieldsSchema.safeParse(form);
  if (!parsed.success)
    return failure("invalid_input", "Check the highlighted fields.", { fieldErrors: fieldErrorsOf(parsed.error) });
  const fields = parsed.data;
  return {
    action: "create_agent",
    target: "operator",
    agentName: fields.name,
    limit: AGENT_CHANGE_LIMIT,
    call: (faucet, key) =>
      faucet.createAgent(key, { name: fields.name, description: fields.description, budgetLimitSats: fields.budget }),
    unknownConsequence: `The faucet may have created the agent anyway, and its key would then never be shown. ${RELOAD_FIRST}`,
    settle: (created) => {
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
        audit: { outcome: "ok", keyLabel: keyLabel(created.apiKey) },
        result: { ok: true, data: { agentId: created.agentId, name: created.name, apiKey: created.apiKey } },
      };
    },
  };
});
