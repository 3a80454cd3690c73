import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./build";

type Manifest = { node: Record<string, { exportedName?: string; filename?: string }> };

/** A server action's id in a build, by file and exported name (ids change with every build). */
export function actionId(distDir: string, filename: string, exportedName: string): string {
  const manifest = JSON.parse(readFileSync(join(REPO, distDir, "server", "server-reference-manifest.json"), "utf8")) as Manifest;
  const found = Object.entries(manifest.node).find(([, entry]) => entry.filename === filename && entry.exportedName === exportedName);
  if (!found) throw new Error(`no action ${exportedName} from ${filename} in ${distDir}`);
  return found[0];
}

export type ActionReply = { status: number; result: unknown; sessionCookie: string | null };

/** The action's return value in the RSC stream: the row that answers "$@1". */
function actionResult(body: string): unknown {
  const line = body.split("\n").find((row) => row.startsWith("1:"));
  if (!line) return undefined;
  try {
    return JSON.parse(line.slice(2));
  } catch {
    return undefined;
  }
}

/**
 * Calls a server action over HTTP exactly as React does for plain arguments: a POST to the
 * page with the action's id, the arguments as a JSON array in text/plain, the page's Origin
 * and the session cookie. Returns the renewed session cookie, as a browser would keep it.
 */
export async function callAction(pageUrl: string, id: string, args: unknown[], cookie: string, origin: string | null = new URL(pageUrl).origin): Promise<ActionReply> {
  const headers: Record<string, string> = { "next-action": id, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8", cookie };
  if (origin !== null) headers.origin = origin;
  const response = await fetch(pageUrl, {
    method: "POST",
    headers,
    body: JSON.stringify(args),
    redirect: "manual",
  });
  const body = await response.text();
  const renewed = response.headers.getSetCookie().find((header) => header.startsWith("fc_session="));
  return { status: response.status, result: actionResult(body), sessionCookie: renewed ? (renewed.split(";")[0] ?? null) : null };
}
