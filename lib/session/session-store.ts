import "server-only";
import { cookies } from "next/headers";
import { consoleDataDir } from "@/lib/config/data-dir";
import { isStorable, type OperatorSession } from "./session-data";
import { cookieBytes, COOKIE_LIMIT_BYTES, sealSession, SESSION_COOKIE, SESSION_TTL_SECONDS, unsealSession } from "./session-seal";
import { resolveSessionPasswords, type SessionPasswords } from "./session-secret";

const globalForSession = globalThis as { sessionPasswords?: SessionPasswords };

export function sessionPasswords(): SessionPasswords {
  globalForSession.sessionPasswords ??= resolveSessionPasswords(process.env, consoleDataDir());
  return globalForSession.sessionPasswords;
}

/**
 * Secure everywhere but a plain-HTTP local run. Browsers treat 127.0.0.1 and localhost
 * as secure contexts, so `next start` on loopback keeps the Secure flag too.
 */
function cookieOptions() {
  return {
    httpOnly: true,
    sameSite: "lax" as const,
    secure: process.env.NODE_ENV === "production",
    path: "/",
    maxAge: SESSION_TTL_SECONDS,
  };
}

export async function readSession(): Promise<OperatorSession | null> {
  const seal = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!seal) return null;
  return unsealSession(seal, sessionPasswords());
}

export type SaveOutcome = { saved: true } | { saved: false; reason: "too_large" | "unreadable" };

/** Never throws for size: a session that no longer fits is reported, and the old cookie stays. */
export async function saveSession(session: OperatorSession): Promise<SaveOutcome> {
  // Saving what readSession would reject signs the user out silently on the next request.
  if (!isStorable(session)) return { saved: false, reason: "unreadable" };
  const seal = await sealSession(session, sessionPasswords());
  if (cookieBytes(seal) > COOKIE_LIMIT_BYTES) return { saved: false, reason: "too_large" };
  (await cookies()).set(SESSION_COOKIE, seal, cookieOptions());
  return { saved: true };
}

export async function destroySession(): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, "", { ...cookieOptions(), maxAge: 0 });
}
