import "server-only";
import { headers } from "next/headers";
import { forwardedClient, originMatchesHost, requestHost } from "./origin";

/**
 * Next.js rejects a server action whose Origin differs from the host, but only warns when
 * Origin is missing. For the paths that sign in or rotate keys we require it outright:
 * every browser sends Origin on a POST, so only a forged request lacks it.
 */
export async function isSameOriginRequest(): Promise<boolean> {
  const requestHeaders = await headers();
  return originMatchesHost(requestHeaders.get("origin"), requestHost(requestHeaders));
}

/**
 * Who is asking, for rate limits. Next.js does not expose the socket's address, so this
 * trusts X-Forwarded-For as far as TRUSTED_PROXY_HOPS (default 1) proxies wrote it: the
 * entry the nearest trusted proxy appended, counted from the right. Entries further left
 * are the client's own words and could be forged to dodge the limit. Without any proxy
 * every caller shares one bucket: deploy behind one (see README).
 */
export async function clientAddress(): Promise<string> {
  const requestHeaders = await headers();
  return forwardedClient(requestHeaders.get("x-forwarded-for"), trustedProxyHops()) ?? "direct";
}

function trustedProxyHops(): number {
  const value = Number(process.env.TRUSTED_PROXY_HOPS ?? 1);
  return Number.isInteger(value) && value >= 0 ? value : 1;
}
