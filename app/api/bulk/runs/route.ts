import { startBulkRun } from "@/lib/changes/change-action";
import { jsonActionRoute } from "@/lib/http";

export const dynamic = "force-dynamic";

/** Incident mode asks here for a run's batch id when a run starts: `{ kind, size }` → `{ batchId, expiresAt }`. */
export const POST = jsonActionRoute(startBulkRun);
