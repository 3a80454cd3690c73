import "server-only";
import { headers } from "next/headers";
import { securitySettings } from "@/lib/config/security-settings";
import { clientAddressOf, originMatchesHost, requestHost } from "./origin";

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
 * trusts X-Forwarded-For only as far as TRUSTED_PROXY_HOPS (default 0) proxies wrote it:
 * the entry the nearest trusted proxy appended, counted from the right. Entries further
 * left are the client's own words. With the default the header is ignored, so a client
 * without a proxy in front cannot choose its own address; every caller then shares one
 * bucket: set TRUSTED_PROXY_HOPS behind a proxy (see README).
 */
export async function clientAddress(): Promise<string> {
  return clientAddressOf(await headers(), securitySettings().trustedProxyHops);
}
