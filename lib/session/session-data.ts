import { z } from "zod";
import { decodeCooldowns, encodeCooldowns, type AgentCooldown } from "./cooldown-codec";

/**
 * What the session cookie holds: which session row is ours, the key that opens the
 * operator key sealed in that row, and the cooldown timers this browser started. It holds
 * no faucet key: a cookie copied before sign-out opens a row that no longer exists.
 */
export type SessionCookie = {
  sessionId: string;
  /** 32 random bytes, base64url: the only copy of the key to the operator key's box. */
  sessionKey: string;
  /** Epoch ms; a display aid: the faucet enforces the real cooldown. */
  operatorCooldownUntil: number | null;
  agentCooldowns: AgentCooldown[];
};

/** A signed-in operator, as the app sees it: the cookie joined with its row in the store. */
export type OperatorSession = SessionCookie & {
  /** A short one-way name of the session, safe to record and show ("from session 3fa1c2d0"). */
  label: string;
  operatorKey: string;
  operatorId: number;
  operatorName: string;
  operatorKeyTail: string | null;
};

/**
 * The sealed form. Short names on purpose: every byte here costs ~1.8 bytes of cookie,
 * and the cookie must hold 200+ cooldowns under 4 KB. Times are epoch numbers because
 * the seal is JSON: a Date would come back as a string.
 */
// v 3: the cooldowns' packed format 1 (sorted id deltas, offsets from one base). A v 2
// cookie reads as signed out: its packing could start with a byte that looks like format 1.
const sealedCookieSchema = z.object({
  v: z.literal(3),
  id: z.string().regex(/^[A-Za-z0-9_-]{22}$/),
  sk: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  oc: z.number().int().positive().optional(),
  ac: z.string().max(8000).optional(),
});
type SealedCookie = z.infer<typeof sealedCookieSchema>;

export function toSealed(cookie: SessionCookie): SealedCookie {
  return {
    v: 3,
    id: cookie.sessionId,
    sk: cookie.sessionKey,
    ...(cookie.operatorCooldownUntil ? { oc: cookie.operatorCooldownUntil } : {}),
    ...(cookie.agentCooldowns.length > 0 ? { ac: encodeCooldowns(cookie.agentCooldowns) } : {}),
  };
}

/** False for a cookie that could be sealed but not read back. */
export function isStorable(cookie: SessionCookie): boolean {
  return sealedCookieSchema.safeParse(toSealed(cookie)).success;
}

/** Anything that is not a cookie we wrote (an old shape, a foreign app's seal) reads as signed out. */
export function fromSealed(data: unknown): SessionCookie | null {
  const parsed = sealedCookieSchema.safeParse(data);
  if (!parsed.success) return null;
  const sealed = parsed.data;
  return {
    sessionId: sealed.id,
    sessionKey: sealed.sk,
    operatorCooldownUntil: sealed.oc ?? null,
    agentCooldowns: sealed.ac ? decodeCooldowns(sealed.ac) : [],
  };
}

/** Only the cookie's own fields: what a save writes back. */
export function cookieOf(session: SessionCookie): SessionCookie {
  return {
    sessionId: session.sessionId,
    sessionKey: session.sessionKey,
    operatorCooldownUntil: session.operatorCooldownUntil,
    agentCooldowns: session.agentCooldowns,
  };
}
