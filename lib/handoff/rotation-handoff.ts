import "server-only";
import { and, eq, gt } from "drizzle-orm";
import type { Change } from "@/lib/changes/run-change";
import type { Rotation } from "@/lib/faucet";
import { keyLabel } from "@/lib/key-label";
import type { Rotated } from "@/lib/keys/rotate";
import { failure, type ActionResult } from "@/lib/action-result";
import type { OperatorSession } from "@/lib/session/session-data";
import { getStore } from "@/lib/store/get-store";
import { auditEvents, keyRotations } from "@/lib/store/schema";
import { asStoreError } from "@/lib/store/store-unavailable-error";
import { readHandoffTtlMinutes } from "./handoff-settings";
import { createHandoff, handoffBeside, HandoffExistsError, type CreatedHandoff } from "./handoffs";

/** What the browser needs to show a hand-off's link once: `<console>/handoff/<id>#<token>`. */
export type HandoffLink = { id: string; token: string; expiresAt: number };

/** A rotation's reply when a hand-off was asked for: the key is null when the hand-off holds it. */
export type RotatedWithHandoff = Omit<Rotated, "apiKey"> & { apiKey: string | null; handoff: HandoffLink | null };

const NO_HANDOFF_WARNING = "The hand-off could not be made, so the key is shown here instead: copy it now.";

/**
 * "Hand off without showing me the key": the rotation's closing transaction also seals the new
 * key into a hand-off, and the reply carries its link instead of the key, so the key never
 * reaches the browser. If the hand-off cannot be made the key is shown after all (with a
 * warning): a rotation that committed upstream must never lose its key.
 */
export function withHandoff(
  change: Change<Rotation, Rotated>,
  request: { session: OperatorSession; agentId: number; agentName: string; batchId: string | null; attemptId: string },
): Change<Rotation, RotatedWithHandoff> {
  const settleRotation = change.settle!;
  return {
    ...change,
    agentName: request.agentName,
    settle: (rotation) => {
      const settled = settleRotation(rotation);
      const asShown = (result: ActionResult<Rotated>): ActionResult<RotatedWithHandoff> =>
        result.ok ? { ok: true, data: { ...result.data, handoff: null } } : result;
      const apiKey = rotation.apiKey;
      if (!apiKey || !settled.result.ok) {
        return {
          ...settled,
          result: asShown(settled.result),
          after: settled.after && (async (recorded) => asShown(await settled.after!(recorded))),
        };
      }
      let created: CreatedHandoff | null = null;
      return {
        ...settled,
        result: asShown(settled.result),
        record: async (tx) => {
          const beside = (await settled.record?.(tx)) ?? [];
          const handoff = handoffBeside(tx, {
            operatorId: request.session.operatorId,
            agentId: request.agentId,
            agentName: request.agentName,
            origin: request.batchId ? `bulk:${request.batchId}` : `rotate:agent:${request.agentId}`,
            keySource: `rotation:${request.attemptId}`,
            sessionLabel: request.session.label,
            apiKey,
            batchId: request.batchId,
          });
          created = handoff.created;
          // The row and its create_handoff event go in the completion's insert: no statement of their own.
          return [...beside, handoff.event];
        },
        after: async (recorded) => {
          const result = settled.after ? await settled.after(recorded) : settled.result;
          if (!result.ok) return result;
          if (!recorded || !created)
            return {
              ok: true,
              data: {
                ...result.data,
                handoff: null,
                warning: [NO_HANDOFF_WARNING, result.data.warning].filter(Boolean).join(" "),
              },
            };
          return { ok: true, data: { ...result.data, apiKey: null, handoff: created } };
        },
      };
    },
  };
}

const NOT_SHOWN_HERE = failure(
  "not_found",
  "This key is not one this session was just shown for this agent, so it cannot be handed off. Rotate again and hand off the new key.",
);
const ALREADY_HANDED_OFF = failure(
  "invalid_input",
  "This key was already handed off; its link was shown once. Revoke that hand-off and rotate again if the link is lost.",
);

/**
 * The event that produced a key this session was just shown for this agent, within the hand-off
 * lifetime, as a hand-off's key source: the committed rotation `attemptId` (its operator, target,
 * session and key label must match), or, for a new agent's first key (attemptId null), the
 * create_agent completion in the audit log with the same checks. Null when nothing fits.
 */
async function keySourceOf(
  session: OperatorSession,
  input: { agentId: number; apiKey: string; attemptId: string | null },
  now: number,
): Promise<string | null> {
  const { db } = await getStore();
  const since = now - readHandoffTtlMinutes() * 60_000;
  const label = keyLabel(input.apiKey);
  if (input.attemptId === null) {
    const [created] = await db
      .select({ id: auditEvents.id })
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.operatorId, session.operatorId),
          eq(auditEvents.target, `agent:${input.agentId}`),
          eq(auditEvents.action, "create_agent"),
          eq(auditEvents.outcome, "ok"),
          eq(auditEvents.keyLabel, label),
          eq(auditEvents.sessionLabel, session.label),
          gt(auditEvents.at, new Date(since)),
        ),
      )
      .limit(1);
    return created ? `create:${created.id}` : null;
  }
  const [rotation] = await db.select().from(keyRotations).where(eq(keyRotations.id, input.attemptId));
  const fits =
    rotation &&
    rotation.operatorId === session.operatorId &&
    rotation.target === `agent:${input.agentId}` &&
    rotation.status === "committed" &&
    rotation.sessionLabel === session.label &&
    rotation.keyLabel === label &&
    (rotation.finishedAt?.getTime() ?? 0) > since;
  return fits ? `rotation:${rotation.id}` : null;
}

/**
 * "Hand off to agent" after a reveal (a rotation's, or a new agent's first key): the page sends
 * back the key it was just shown. It is sealed only if it is a key this session was shown for
 * this agent within the hand-off lifetime (keySourceOf), and only once per key: the unique index
 * on the hand-off's key source refuses a second one, even from two requests at the same instant.
 */
export async function handOffRevealedKey(
  session: OperatorSession,
  input: { agentId: number; agentName: string; apiKey: string; attemptId: string | null },
  now = Date.now(),
): Promise<ActionResult<HandoffLink>> {
  try {
    const keySource = await keySourceOf(session, input, now);
    if (!keySource) return NOT_SHOWN_HERE;
    const created = await createHandoff({
      operatorId: session.operatorId,
      agentId: input.agentId,
      agentName: input.agentName,
      origin: input.attemptId === null ? "create" : `rotate:agent:${input.agentId}`,
      keySource,
      sessionLabel: session.label,
      apiKey: input.apiKey,
      now,
    });
    return { ok: true, data: created };
  } catch (error) {
    if (error instanceof HandoffExistsError) return ALREADY_HANDED_OFF;
    throw asStoreError(error);
  }
}
