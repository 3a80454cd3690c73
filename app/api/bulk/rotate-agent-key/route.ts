import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { bulkChangeRoute } from "@/lib/changes/change-action";
import { jsonActionRoute } from "@/lib/http";

export const dynamic = "force-dynamic";

/** rotateAgentKey for incident mode's bulk runs: the same checks and the same rotation, on the bulk budget of a run the server issued. */
export const POST = jsonActionRoute(bulkChangeRoute("rotate", rotateAgentKey));
