import { setAgentActive } from "@/lib/actions/set-agent-active";
import { jsonActionRoute } from "@/lib/http/json-action-route";

export const dynamic = "force-dynamic";

/** setAgentActive for incident mode's "Deactivate selected": the same checks and the same change, sent concurrently. */
export const POST = jsonActionRoute(setAgentActive);
