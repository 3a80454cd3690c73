import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { jsonActionRoute } from "@/lib/http/json-action-route";

export const dynamic = "force-dynamic";

/** rotateAgentKey for incident mode's bulk runs: the same checks and the same one rotate(), sent concurrently. */
export const POST = jsonActionRoute(rotateAgentKey);
