import "server-only";
import { headers } from "next/headers";
import { securitySettings } from "@/lib/config/env";
import { clientAddressOf, isOwnOrigin } from "./origin";
import { peerHeaderName, warnClientsIndistinguishable } from "./peer-address";

/**
 * Next.js rejects a server action whose Origin differs from the host, but only warns when
 * Origin is missing. For the paths that sign in or rotate keys we require it outright:
 * every browser sends Origin on a POST, so only a forged request lacks it. The host is
 * Host, or X-Forwarded-Host only behind declared proxies, or CONSOLE_ORIGIN when set.
 */
export async function isSameOriginRequest(): Promise<boolean> {
  const requestHeaders = await headers();
  return isOwnOrigin(requestHeaders.get("origin"), requestHeaders, securitySettings());
}

/**
 * Who is asking, for rate limits. Behind TRUSTED_PROXY_HOPS proxies, the X-Forwarded-For
 * entry the nearest trusted proxy appended, counted from the right (entries further left are
 * the client's own words). With the default of 0 the header is ignored and the TCP peer's
 * address counts, which no header can forge (peer-address.ts). If neither is known every
 * caller shares one bucket, and production says so once in the log.
 */
export async function clientAddress(): Promise<string> {
  const { trustedProxyHops } = securitySettings();
  const address = clientAddressOf(await headers(), trustedProxyHops);
  // Without the wrapper (not `next start`, e.g. a custom server) no request will ever carry a peer.
  if (address === "direct" && trustedProxyHops === 0 && peerHeaderName() === null) warnClientsIndistinguishable();
  return address;
}
