import { randomBytes } from "node:crypto";
import http from "node:http";
import { securitySettings } from "@/lib/config/env";

/**
 * The TCP peer's address, handed to the app in a private request header.
 *
 * Next.js gives route code no access to the socket, and sets X-Forwarded-For from it only
 * when the client sent none (`??=`), so that header cannot tell a client's words from the
 * peer. Instead, start-up (instrumentation's register()) wraps the Node HTTP server's
 * "request" event: before Next sees a request, every incoming header named like ours is
 * deleted and ours is set to `req.socket.remoteAddress`. The header's name carries a random
 * tail chosen per process, so even a request that arrived before the wrapper was installed
 * (queued while Next starts) cannot carry a copy the app would believe.
 */
const PEER_HEADER_PREFIX = "x-console-peer-";

type PeerGlobals = { consolePeerHeader?: string; consolePeerWarned?: boolean };
const globalForPeer = globalThis as PeerGlobals;

/** The header the wrapper sets in this process, or null when it was never installed. */
export function peerHeaderName(): string | null {
  return globalForPeer.consolePeerHeader ?? null;
}

/** Deletes every header that claims to be ours, then sets the real one from the socket. */
export function stampPeerAddress(request: Pick<http.IncomingMessage, "headers" | "socket">, headerName: string): void {
  for (const name of Object.keys(request.headers))
    if (name.startsWith(PEER_HEADER_PREFIX)) delete request.headers[name];
  const address = request.socket?.remoteAddress;
  if (address) request.headers[headerName] = address;
}

/**
 * Installs the wrapper once per process; returns whether peer addresses will reach the app.
 * Wrapping the prototype's emit reaches the server `next start` already created.
 */
export function installPeerAddressHeader(): boolean {
  if (globalForPeer.consolePeerHeader) return true;
  const headerName = `${PEER_HEADER_PREFIX}${randomBytes(12).toString("hex")}`;
  const serverPrototype = http.Server.prototype as { emit: (event: string | symbol, ...args: unknown[]) => boolean };
  const originalEmit = serverPrototype.emit;
  if (typeof originalEmit !== "function") return false;
  serverPrototype.emit = function emitWithPeer(this: http.Server, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request" && args[0] instanceof http.IncomingMessage) stampPeerAddress(args[0], headerName);
    return originalEmit.call(this, event, ...args);
  };
  globalForPeer.consolePeerHeader = headerName;
  return true;
}

/** The peer's address from a request's headers (only the process's own header counts), or null. */
export function peerAddressOf(requestHeaders: Headers): string | null {
  const name = peerHeaderName();
  return (name && requestHeaders.get(name)) || null;
}

/**
 * Once per process, in production: the console counts every client as one for rate limits
 * because no peer address reaches it and no proxy is declared.
 */
export function warnClientsIndistinguishable(): void {
  if (globalForPeer.consolePeerWarned || process.env.NODE_ENV !== "production") return;
  globalForPeer.consolePeerWarned = true;
  console.warn(INDISTINGUISHABLE_WARNING);
}

export const INDISTINGUISHABLE_WARNING =
  "Faucet Console: the console cannot tell clients apart (no TCP peer address reaches it and TRUSTED_PROXY_HOPS=0), so every client shares one sign-in limit and anyone can exhaust it. Behind a reverse proxy set TRUSTED_PROXY_HOPS to the number of proxies that append to X-Forwarded-For; otherwise run the console with `next start`.";

/**
 * Start-up (instrumentation's register()): installs the wrapper, and says so at once when
 * the console will not be able to tell clients apart. Requests that reached the server
 * while Next.js was still starting carry no peer header and count as "direct".
 */
export function startPeerAddresses(): void {
  if (installPeerAddressHeader()) return;
  // Start-up has parsed the configuration already (instrumentation.ts calls checkConfiguration first).
  if (securitySettings().trustedProxyHops === 0) warnClientsIndistinguishable();
}
