import { setAgentActive } from "@/lib/actions/set-agent-active";
import { bulkChangeRoute } from "@/lib/changes/change-action";
import { jsonActionRoute } from "@/lib/http";

export const dynamic = "force-dynamic";

/** setAgentActive for incident mode's "Deactivate selected": the same checks and the same change, on the bulk budget of a run the server issued. */
export const POST = jsonActionRoute(bulkChangeRoute("deactivate", setAgentActive));
