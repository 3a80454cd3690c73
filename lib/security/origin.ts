/** Pure helpers for the Origin check and the client address; used by proxy.ts and the actions. */

/** The host the browser addressed: behind chained proxies X-Forwarded-Host is a list, the first is the client's. */
export function requestHost(requestHeaders: Headers): string | null {
  return requestHeaders.get("x-forwarded-host")?.split(",")[0]?.trim() || requestHeaders.get("host");
}

export function originMatchesHost(origin: string | null, host: string | null): boolean {
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

export function forwardedClient(forwardedFor: string | null, hops: number): string | null {
  if (!forwardedFor || hops < 1) return null;
  const entries = forwardedFor.split(",").map((entry) => entry.trim()).filter(Boolean);
  return entries[Math.max(0, entries.length - hops)] ?? null;
}


/** The client address for rate limits: see clientAddress() in same-origin.ts. "direct" when no trusted proxy named one. */
export function clientAddressOf(requestHeaders: Headers, hops: number): string {
  return forwardedClient(requestHeaders.get("x-forwarded-for"), hops) ?? "direct";
}
