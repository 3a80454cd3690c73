import { sealData, unsealData } from "iron-session";
import { fromSealed, toSealed, type SessionCookie } from "./session-data";
import type { SessionPasswords } from "@/lib/config/session-secret";

/**
 * In production the name carries the `__Host-` prefix: browsers then accept the cookie
 * only with Secure, Path=/ and no Domain, so a sibling subdomain cannot plant or shadow
 * a session. Plain `next dev` over http keeps the bare name (the prefix needs Secure).
 */
export function sessionCookieName(nodeEnv: string | undefined = process.env.NODE_ENV): string {
  return nodeEnv === "production" ? "__Host-fc_session" : "fc_session";
}

export const SESSION_COOKIE = sessionCookieName();
/** Hours, never 0: the cookie is a bearer token and must expire. */
export const SESSION_TTL_SECONDS = 12 * 60 * 60;
/** Browsers drop a Set-Cookie over 4096 bytes; this counts name, value and attributes. */
export const COOKIE_LIMIT_BYTES = 4096;
const ATTRIBUTES_BYTES =
  "; Path=/; Expires=Thu, 01 Jan 2026 00:00:00 GMT; Max-Age=43200; HttpOnly; Secure; SameSite=lax".length;

export function sealSession(cookie: SessionCookie, passwords: SessionPasswords): Promise<string> {
  return sealData(toSealed(cookie), { password: passwords, ttl: SESSION_TTL_SECONDS });
}

/** A tampered, truncated, expired or foreign seal reads as no session: never an exception. */
export async function unsealSession(seal: string, passwords: SessionPasswords): Promise<SessionCookie | null> {
  try {
    return fromSealed(await unsealData(seal, { password: passwords, ttl: SESSION_TTL_SECONDS }));
  } catch {
    return null;
  }
}

export function cookieBytes(seal: string): number {
  return SESSION_COOKIE.length + 1 + seal.length + ATTRIBUTES_BYTES;
}
