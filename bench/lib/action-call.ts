import { resolve } from "node:path";
import { actionResultFromStream, readActionManifest } from "../../e2e/support/server-action-protocol";
import { REPO } from "./build";

/** A server action's id in a build (a dist dir in the repo, or an absolute one), by file and exported name (ids change with every build). */
export function actionId(distDir: string, filename: string, exportedName: string): string {
  const found = Object.entries(readActionManifest(resolve(REPO, distDir))).find(
    ([, entry]) => entry.filename === filename && entry.exportedName === exportedName,
  );
  if (!found) throw new Error(`no action ${exportedName} from ${filename} in ${distDir}`);
  return found[0];
}

export type ActionReply = { status: number; result: unknown; sessionCookie: string | null };

/**
 * Calls a server action over HTTP exactly as React does for plain arguments: a POST to the
 * page with the action's id, the arguments as a JSON array in text/plain, the page's Origin
 * and the session cookie. Returns the renewed cookie named `cookieName` (the console's session
 * in production by default), as a browser would keep it.
 */
export async function callAction(
  pageUrl: string,
  id: string,
  args: unknown[],
  cookie: string,
  origin: string | null = new URL(pageUrl).origin,
  cookieName = "__Host-fc_session",
): Promise<ActionReply> {
  const headers: Record<string, string> = {
    "next-action": id,
    accept: "text/x-component",
    "content-type": "text/plain;charset=UTF-8",
    cookie,
  };
  if (origin !== null) headers.origin = origin;
  const response = await fetch(pageUrl, {
    method: "POST",
    headers,
    body: JSON.stringify(args),
    redirect: "manual",
  });
  const body = await response.text();
  const renewed = response.headers.getSetCookie().find((header) => header.startsWith(`${cookieName}=`));
  return {
    status: response.status,
    result: actionResultFromStream(body),
    sessionCookie: renewed ? (renewed.split(";")[0] ?? null) : null,
  };
}
