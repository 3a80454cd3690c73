import { readFileSync } from "node:fs";
import path from "node:path";

/**
 * How tests and benchmarks call a server action over raw HTTP, the way React does: used by
 * e2e/support/server-actions.ts and bench/lib/action-call.ts. Not used by the app itself.
 */
type ActionManifest = { node: Record<string, { exportedName?: string; filename?: string }> };

/** Every action of a build by id, with the file and export it came from (ids change with every build). */
export function readActionManifest(distDir: string): ActionManifest["node"] {
  const file = path.join(distDir, "server", "server-reference-manifest.json");
  return (JSON.parse(readFileSync(file, "utf8")) as ActionManifest).node;
}

/** The action's return value in its RSC reply: the row that answers "$@1" (raw text if it is not JSON). */
export function actionResultFromStream(body: string): unknown {
  const line = body.split("\n").find((row) => row.startsWith("1:"));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice(2));
  } catch {
    return line.slice(2);
  }
}
