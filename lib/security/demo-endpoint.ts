import { isKeylessAction } from "@/lib/emulator/actions";
import { createRateLimiter, type RateLimiter } from "./rate-limiter";

/**
 * The rules for the embedded faucet's public HTTP endpoint in demo mode. Anyone who
 * reaches the console reaches it, so calls that need no key (register above all, which
 * writes the state file) are limited per client address.
 */

/** A call counts as keyed only when it names a key and an action that needs one; junk and public actions are keyless. */
export function isKeylessCall(bodyText: string, headers: Headers): boolean {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    return true;
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) return true;
  const { action, api_key: apiKey } = body as Record<string, unknown>;
  if (typeof action !== "string" || isKeylessAction(action)) return true;
  const hasKey = (typeof apiKey === "string" && apiKey !== "") || headers.has("authorization") || headers.has("x-api-key");
  return !hasKey;
}

const globalForDemo = globalThis as { demoKeylessLimiter?: RateLimiter };

export function demoKeylessLimiter(limit: number): RateLimiter {
  globalForDemo.demoKeylessLimiter ??= createRateLimiter({ limit, windowMs: 60_000 });
  return globalForDemo.demoKeylessLimiter;
}
