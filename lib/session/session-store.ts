import "server-only";
import { cookies, headers } from "next/headers";
import { env, secretsOf } from "@/lib/config/env";
import { isBackgroundRequest } from "./background-request";
import { keyTail } from "@/lib/key-label";
import { cookieOf, isStorable, type OperatorSession, type SessionCookie } from "./session-data";
import type { SessionEndReason } from "./session-end-reasons";
import {
  createSessionRecord,
  deleteSessionRecord,
  endSessionIfKeyRefused,
  lookupSessionRecord,
  sessionLabel,
} from "./session-records";
import {
  cookieBytes,
  COOKIE_LIMIT_BYTES,
  sealSession,
  SESSION_COOKIE,
  SESSION_TTL_SECONDS,
  unsealSession,
} from "./session-seal";
import { resolveSessionPasswords, type SessionPasswords } from "@/lib/config/session-secret";

const globalForSession = globalThis as { sessionPasswords?: SessionPasswords };

export function sessionPasswords(): SessionPasswords {
  globalForSession.sessionPasswords ??= resolveSessionPasswords(secretsOf(), env().dataDir);
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

export type SessionState =
  | { kind: "signed_in"; session: OperatorSession }
  /** `reason` is null when the browser simply has no session (never signed in). */
  | { kind: "signed_out"; reason: SessionEndReason | null };

async function readCookie(): Promise<SessionCookie | null | "none"> {
  const seal = (await cookies()).get(SESSION_COOKIE)?.value;
  if (!seal) return "none";
  return unsealSession(seal, sessionPasswords());
}

/**
 * The cookie joined with its row. A tampered cookie, a deleted row (signed out) and a
 * cookie whose key does not open the row all read as signed out; a row ended elsewhere
 * says why. A request marked as background polling does not count as activity for the idle
 * timeout. Throws StoreUnavailableError when the store cannot be reached.
 */
export async function readSessionState(now = Date.now()): Promise<SessionState> {
  const cookie = await readCookie();
  if (cookie === "none") return { kind: "signed_out", reason: null };
  if (cookie === null) return { kind: "signed_out", reason: "signed_out" };
  const touch = !isBackgroundRequest(await headers());
  const lookup = await lookupSessionRecord(cookie.sessionId, Buffer.from(cookie.sessionKey, "base64url"), now, {
    touch,
  });
  if (lookup.kind === "missing") return { kind: "signed_out", reason: "signed_out" };
  if (lookup.kind === "ended") return { kind: "signed_out", reason: lookup.reason };
  const { record } = lookup;
  return {
    kind: "signed_in",
    session: {
      ...cookie,
      label: sessionLabel(record.id),
      operatorKey: record.operatorKey,
      operatorId: record.operatorId,
      operatorName: record.operatorName,
      operatorKeyTail: record.operatorKeyTail || null,
    },
  };
}

export async function readSession(): Promise<OperatorSession | null> {
  const state = await readSessionState();
  return state.kind === "signed_in" ? state.session : null;
}

export type SaveOutcome = { saved: true } | { saved: false };

/**
 * Writes the cookie's own fields (the timers). Never throws for size: a cookie that no
 * longer fits is reported and the old one stays; the store's rotation records still
 * show every timer.
 */
export async function saveSessionCookie(session: SessionCookie): Promise<SaveOutcome> {
  const cookie = cookieOf(session);
  // Saving what readSession would reject signs the user out silently on the next request.
  if (!isStorable(cookie)) return { saved: false };
  const seal = await sealSession(cookie, sessionPasswords());
  if (cookieBytes(seal) > COOKIE_LIMIT_BYTES) return { saved: false };
  (await cookies()).set(SESSION_COOKIE, seal, cookieOptions());
  return { saved: true };
}

type NewSession = {
  operatorKey: string;
  operatorId: number;
  operatorName: string;
  operatorCooldownUntil: number | null;
};

/** Sign-in: a row holding the sealed key, and a cookie holding the key to it. Returns the new session's label too, for the audit log. */
export async function openSession(
  { operatorKey, operatorId, operatorName, operatorCooldownUntil }: NewSession,
  now = Date.now(),
): Promise<SaveOutcome & { label: string }> {
  const { id, sessionKey } = await createSessionRecord({
    operatorId,
    operatorName,
    operatorKey,
    operatorKeyTail: keyTail(operatorKey) ?? "",
    now,
  });
  const saved = await saveSessionCookie({
    sessionId: id,
    sessionKey: sessionKey.toString("base64url"),
    operatorCooldownUntil,
    agentCooldowns: [],
  });
  return { ...saved, label: sessionLabel(id) };
}

/** Sign out: the row is deleted first, so a copy of the cookie opens nothing afterwards. */
export async function closeSession(): Promise<void> {
  const cookie = await readCookie();
  if (cookie !== "none" && cookie !== null) await deleteSessionRecord(cookie.sessionId);
  await clearSessionCookie();
}

export async function clearSessionCookie(): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, "", { ...cookieOptions(), maxAge: 0 });
}

/**
 * The faucet refused the key this session's request used. The session ends (its row, so every
 * tab learns it), unless another tab switched it to a new key meanwhile: then the request was
 * merely stale ("key_superseded") and must not sign out the operator who just rotated. Only the
 * row changes; an action that may write cookies clears its own after "key_invalid".
 */
export async function endSessionIfRefused(session: OperatorSession): Promise<"key_invalid" | "key_superseded"> {
  const verdict = await endSessionIfKeyRefused(
    session.sessionId,
    Buffer.from(session.sessionKey, "base64url"),
    session.operatorKey,
    Date.now(),
  );
  return verdict === "ended" ? "key_invalid" : "key_superseded";
}
