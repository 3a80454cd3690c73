/** Pure helpers for the Origin check and the client address; used by proxy.ts and the actions. */
import { peerAddressOf } from "./peer-address";

type OriginSettings = { trustedProxyHops: number; consoleOrigin: string | null };

/**
 * The host the browser addressed. X-Forwarded-Host is a header any client can send, so it
 * counts only when proxies are declared (TRUSTED_PROXY_HOPS > 0); behind chained proxies it
 * is a list and the first entry is the client's. Otherwise the Host header.
 */
export function requestHost(requestHeaders: Headers, trustedProxyHops: number): string | null {
  const forwarded = trustedProxyHops > 0 ? requestHeaders.get("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  return forwarded || requestHeaders.get("host");
}

export function originMatchesHost(origin: string | null, host: string | null): boolean {
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/**
 * The Origin check of actions and JSON routes: with CONSOLE_ORIGIN set, the Origin must be
 * exactly that origin (scheme, host and port); without it, it must name the host the request
 * was addressed to (requestHost). A missing or "null" Origin never passes.
 */
export function isOwnOrigin(
  origin: string | null,
  requestHeaders: Headers,
  { trustedProxyHops, consoleOrigin }: OriginSettings,
): boolean {
  if (consoleOrigin) return origin === consoleOrigin;
  return originMatchesHost(origin, requestHost(requestHeaders, trustedProxyHops));
}

export function forwardedClient(forwardedFor: string | null, hops: number): string | null {
  if (!forwardedFor || hops < 1) return null;
  const entries = forwardedFor
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries[Math.max(0, entries.length - hops)] ?? null;
}

/**
 * The client address for rate limits and the audit log: the entry the nearest trusted proxy
 * wrote in X-Forwarded-For when proxies are declared; else the TCP peer (peer-address.ts);
 * "direct" when neither is known, which every such client then shares.
 */
export function clientAddressOf(requestHeaders: Headers, hops: number): string {
  return forwardedClient(requestHeaders.get("x-forwarded-for"), hops) ?? peerAddressOf(requestHeaders) ?? "direct";
}
