import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { keyLabel } from "@/lib/key-label";
import { sessionPasswords } from "@/lib/session/session-store";
import type { OperatorSession } from "@/lib/session/session-data";
import { policyArmings } from "@/lib/store/schema";
import type { StoreDatabase } from "@/lib/store/store";

/**
 * How a worker with no browser acts for an operator. A session keeps the operator key sealed
 * under a per-session key that only the cookie carries, so nothing server-side can open it:
 * a policy could otherwise run only while a browser happened to call. Instead the operator
 * *arms* policies while signed in (setting a policy does it): the operator key is sealed again,
 * AES-256-GCM under a key derived with HKDF-SHA256 from SESSION_SECRET (not in the database),
 * bound to the operator id as associated data, and kept in `policy_armings` until the last
 * policy is cleared.
 *
 * The trade-off (README "Rotation policies", SECURITY.md): the database alone still opens no
 * key, but the database together with the server's SESSION_SECRET opens the operator key of
 * every operator with a policy, with nobody signed in. Operators without a policy keep the
 * session-only guarantee.
 */

const IV_BYTES = 12;
const TAG_BYTES = 16;
const LABEL = "faucet-console policy arming v1";

function armingKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(secret, "utf8"), Buffer.alloc(0), LABEL, 32));
}

function associatedData(operatorId: number): Buffer {
  return Buffer.from(`policy-arming:${operatorId}`);
}

/** The highest SESSION_SECRET id seals (as for the cookie); every configured id opens. */
function sealingSecret(): { keyId: string; secret: string } {
  const passwords = sessionPasswords();
  const keyId = Object.keys(passwords).sort((a, b) => Number(b) - Number(a))[0];
  const secret = keyId === undefined ? undefined : passwords[keyId];
  if (keyId === undefined || secret === undefined) throw new Error("no session secret to arm policies with");
  return { keyId, secret };
}

export function sealArmedKey(operatorKey: string, operatorId: number): { sealed: string; keyId: string } {
  const { keyId, secret } = sealingSecret();
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", armingKey(secret), iv);
  cipher.setAAD(associatedData(operatorId));
  const body = Buffer.concat([cipher.update(operatorKey, "utf8"), cipher.final()]);
  return { sealed: Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url"), keyId };
}

/** Null for anything that does not open: another operator's box, a secret no longer configured, a tampered row. */
export function openArmedKey(sealed: string, keyId: string, operatorId: number): string | null {
  const secret = sessionPasswords()[keyId];
  const bytes = Buffer.from(sealed, "base64url");
  if (!secret || bytes.length <= IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", armingKey(secret), bytes.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(operatorId));
    decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** Arms (or re-arms, un-pausing) the operator's policies with the signed-in session's operator key. */
export async function armPoliciesIn(tx: StoreDatabase, session: OperatorSession, now: number): Promise<void> {
  const { sealed, keyId } = sealArmedKey(session.operatorKey, session.operatorId);
  const values = {
    operatorName: session.operatorName,
    sealedOperatorKey: sealed,
    keyId,
    operatorKeyTail: keyLabel(session.operatorKey),
    armedAt: new Date(now),
    sessionLabel: session.label,
    pausedAt: null,
  };
  await tx
    .insert(policyArmings)
    .values({ operatorId: session.operatorId, ...values })
    .onConflictDoUpdate({ target: policyArmings.operatorId, set: values });
}

export async function disarmPoliciesIn(tx: StoreDatabase, operatorId: number): Promise<void> {
  await tx.delete(policyArmings).where(eq(policyArmings.operatorId, operatorId));
}

/** The faucet refused the armed key (the operator key was rotated or revoked): no run until a person re-arms. */
export async function pausePolicies(db: StoreDatabase, operatorId: number, now: number): Promise<void> {
  await db
    .update(policyArmings)
    .set({ pausedAt: new Date(now) })
    .where(eq(policyArmings.operatorId, operatorId));
}

/** What the worker acts as: the operator, from session "policy" (the audit log's actor for every policy event). */
export type ArmedOperator = { operatorId: number; operatorName: string; operatorKey: string; pausedAt: number | null };

export const POLICY_SESSION_LABEL = "policy";

export async function armedOperators(db: StoreDatabase, operatorId?: number): Promise<ArmedOperator[]> {
  const rows = await db
    .select()
    .from(policyArmings)
    .where(operatorId === undefined ? undefined : eq(policyArmings.operatorId, operatorId));
  const armed: ArmedOperator[] = [];
  for (const row of rows) {
    const operatorKey = openArmedKey(row.sealedOperatorKey, row.keyId, row.operatorId);
    if (operatorKey === null) continue;
    armed.push({
      operatorId: row.operatorId,
      operatorName: row.operatorName,
      operatorKey,
      pausedAt: row.pausedAt?.getTime() ?? null,
    });
  }
  return armed;
}

export async function armedOperator(db: StoreDatabase, operatorId: number): Promise<ArmedOperator | null> {
  const [armed] = await armedOperators(db, operatorId);
  return armed ?? null;
}

/** The session the pipeline sees for a policy run: no cookie, no browser, the actor "policy". */
export function policySession(armed: ArmedOperator): OperatorSession {
  return {
    sessionId: "",
    sessionKey: "",
    operatorCooldownUntil: null,
    agentCooldowns: [],
    label: POLICY_SESSION_LABEL,
    operatorKey: armed.operatorKey,
    operatorId: armed.operatorId,
    operatorName: armed.operatorName,
    operatorKeyTail: null,
  };
}
