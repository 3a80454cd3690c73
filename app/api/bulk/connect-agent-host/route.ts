import { jsonActionRoute } from "@/lib/http";
import { bulkConnectAgentHost } from "@/lib/hosts/connect-host";

export const dynamic = "force-dynamic";

/** Incident mode's "Connect agent hosts": one single-use enrolment link per call, on the bulk budget of a run the server issued. */
export const POST = jsonActionRoute(bulkConnectAgentHost);
