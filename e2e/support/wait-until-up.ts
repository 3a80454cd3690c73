/**
 * Waiting for a server that is starting: the e2e run's shared servers (test-servers.ts), a
 * spec's extra console (spawned-console.ts) and the bench's servers (bench/lib/start-servers.ts).
 * A server is up when its URL answers at all: any status below 500.
 */

/** One probe: the URL answers below 500 (the body is read, so the socket is free again). */
export async function answersHttp(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return response.status < 500;
  } catch {
    return false;
  }
}

type WaitOptions = { timeoutMs: number; exited?: () => boolean };
type Started = "answering" | "exited" | "timed out";

/**
 * Probes until `isUp()`, the process serving it has `exited()`, or `timeoutMs` passes; says
 * which, for the caller's message. Quick probes first: a server is often up within a second.
 */
export async function waitUntilUp(
  isUp: () => Promise<boolean>,
  { timeoutMs, exited = () => false }: WaitOptions,
): Promise<Started> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 250)) {
    if (await isUp()) return "answering";
    if (exited()) return "exited";
    if (Date.now() > deadline) return "timed out";
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** waitUntilUp for a server that is up when `url` answers. */
export const waitForHttp = (url: string, options: WaitOptions): Promise<Started> =>
  waitUntilUp(() => answersHttp(url), options);
