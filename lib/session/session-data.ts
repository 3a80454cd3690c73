import { z } from "zod";
import { decodeCooldowns, encodeCooldowns, type AgentCooldown } from "./cooldown-codec";

/** What a signed-in operator's session holds, as the app sees it. */
export type OperatorSession = {
  operatorKey: string;
  operatorId: number;
  operatorName: string;
  /** Epoch ms; a display aid: the faucet enforces the real cooldown. */
  operatorCooldownUntil: number | null;
  operatorKeyFingerprint: string | null;
  agentCooldowns: AgentCooldown[];
};

/**
 * The sealed form. Short names on purpose: every byte here costs ~1.8 bytes of cookie,
 * and the cookie must hold 200+ cooldowns under 4 KB. Times are epoch numbers because
 * the seal is JSON: a Date would come back as a string.
 */
const sealedSessionSchema = z.object({
  v: z.literal(1),
  k: z.string().min(10).max(200),
  id: z.number().int(),
  n: z.string().max(200),
  oc: z.number().int().positive().optional(),
  of: z.string().regex(/^[0-9a-f]{4}$/).optional(),
  ac: z.string().max(8000).optional(),
});
type SealedSession = z.infer<typeof sealedSessionSchema>;

export function toSealed(session: OperatorSession): SealedSession {
  return {
    v: 1,
    k: session.operatorKey,
    id: session.operatorId,
    n: session.operatorName,
    ...(session.operatorCooldownUntil ? { oc: session.operatorCooldownUntil } : {}),
    ...(session.operatorKeyFingerprint ? { of: session.operatorKeyFingerprint } : {}),
    ...(session.agentCooldowns.length > 0 ? { ac: encodeCooldowns(session.agentCooldowns) } : {}),
  };
}

/** False for a session that could be sealed but not read back (an over-long name or key). */
export function isStorable(session: OperatorSession): boolean {
  return sealedSessionSchema.safeParse(toSealed(session)).success;
}

/** Anything that is not a session we wrote (an old shape, a foreign app's seal) reads as signed out. */
export function fromSealed(data: unknown): OperatorSession | null {
  const parsed = sealedSessionSchema.safeParse(data);
  if (!parsed.success) return null;
  const sealed = parsed.data;
  return {
    operatorKey: sealed.k,
    operatorId: sealed.id,
    operatorName: sealed.n,
    operatorCooldownUntil: sealed.oc ?? null,
    operatorKeyFingerprint: sealed.of ?? null,
    agentCooldowns: sealed.ac ? decodeCooldowns(sealed.ac) : [],
  };
}
