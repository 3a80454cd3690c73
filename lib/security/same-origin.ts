import "server-only";
import { headers } from "next/headers";

/**
 * Next.js rejects a server action whose Origin differs from the host, but only warns when
 * Origin is missing. For the paths that sign in or rotate keys we require it outright:
 * every browser sends Origin on a POST, so only a forged request lacks it.
 */
export async function isSameOriginRequest(): Promise<boolean> {
  const requestHeaders = await headers();
  const origin = requestHeaders.get("origin");
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host");
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Who is asking, for rate limits: the first forwarded address, else one bucket for direct callers. */
export async function clientAddress(): Promise<string> {
  const requestHeaders = await headers();
  const forwarded = requestHeaders.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || requestHeaders.get("x-real-ip") || "direct";
}
