import "server-only";
import { randomUUID } from "node:crypto";
import type { SQLWrapper } from "drizzle-orm";
import { log } from "@/lib/log";
import { getStore } from "@/lib/store/get-store";
import { asStoreError } from "@/lib/store/store-unavailable-error";
import type { AuditActor } from "./audit-actor";
import type { StoreDatabase } from "@/lib/store/store";
import { appendAuditRow, appendAuditRowIn, appendAuditRowsIn, type NewAuditRow } from "./audit-chain";
import { noteAuditAppend } from "./audit-checkpoints";
import { auditKeyring } from "./audit-keys";
import {
  chainOf,
  type AuditAction,
  type AuditOutcome,
  type AuditTarget,
  type StoredAuditOutcome,
} from "./audit-vocabulary";

export type AuditEventStart = {
  action: AuditAction;
  target: AuditTarget;
  batchId?: string | null;
  /**
   * The agent's name as the console knows it now (the agent list it last read, the action's
   * input): stored with the event, so a renamed or deleted agent keeps it in its old events.
   * Never looked up at the faucet for the event; null or absent when the console knows none.
   */
  agentName?: string | null;
};

/**
 * A one-shot event to be appended beside a completion, in the same statement (lib/changes: a
 * rotation's hand-off or host envelope, made in its closing transaction). `insert`: the row the
 * event records (a hand-off's), not yet sent: it goes in that same statement, so the row and its
 * event are written together or not at all, for no statement of their own.
 */
export type AuditEventBeside = { actor: AuditActor; event: AuditEventStart & AuditEventEnd; insert?: SQLWrapper };

/** A pending event, to be completed once with finishAuditEvent(). */
export type AuditEventHandle = AuditEventStart & { id: string; actor: AuditActor; startedAt: number };

export type AuditEventEnd = {
  outcome: AuditOutcome;
  /** With "refused": the refusal's kind (rate_limited, invalid_key, rotated_elsewhere, …), never a message. */
  refusal?: string | null;
  /** keyLabel() of the key the event produced (prefix…last4). */
  keyLabel?: string | null;
};

/** A refusal is a short machine word: free text could carry anything, a key included. */
const REFUSAL_PATTERN = /^[a-z][a-z0-9_]{0,47}$/;
/** keyLabel()'s shape: an optional letters-and-underscore prefix, an ellipsis, at most four characters. */
const LABEL_PATTERN = /^(?:[A-Za-z]{1,16}_)?…[A-Za-z0-9_-]{0,4}$/u;

/** The longest agent name the log keeps (the faucet's names are far shorter; anything longer is cut). */
export const MAX_AUDIT_AGENT_NAME = 200;

/** A name is the faucet's (or the operator's) free text: one line, no control characters, bounded. */
export function checkedAgentName(name: string | null | undefined): string | null {
  if (!name) return null;
  // By code point, so a cut never splits a character in two.
  const line = [...name.replace(/\p{Cc}+/gu, " ").trim()].slice(0, MAX_AUDIT_AGENT_NAME).join("").trim();
  return line === "" ? null : line;
}

function checkedRefusal(refusal: string | null | undefined): string | null {
  if (!refusal) return null;
  if (REFUSAL_PATTERN.test(refusal)) return refusal;
  log.warn("an audit refusal that is not a kind was recorded as 'other'");
  return "other";
}

/** The last line of defence against a key in the log: anything but a label is dropped. */
function checkedLabel(label: string | null | undefined): string | null {
  if (!label) return null;
  if (LABEL_PATTERN.test(label)) return label;
  log.warn("an audit key label that is not prefix…last4 was dropped");
  return null;
}

function row(
  actor: AuditActor,
  start: AuditEventStart,
  outcome: StoredAuditOutcome,
  fields: Partial<NewAuditRow> = {},
): NewAuditRow {
  return {
    id: randomUUID(),
    chain: chainOf(actor.operatorId),
    at: new Date(),
    operatorId: actor.operatorId,
    action: start.action,
    target: start.target,
    agentName: checkedAgentName(start.agentName),
    outcome,
    refusal: null,
    keyLabel: null,
    sessionLabel: actor.sessionLabel,
    clientAddress: actor.clientAddress,
    userAgent: actor.userAgent,
    instanceId: actor.instanceId,
    batchId: start.batchId ?? null,
    completes: null,
    ...fields,
  };
}

async function append(newRow: NewAuditRow) {
  try {
    const { db } = await getStore();
    const appended = await appendAuditRow(db, newRow, auditKeyring().current);
    noteAuditAppend();
    return appended;
  } catch (error) {
    throw asStoreError(error);
  }
}

/** append() inside the caller's transaction: the chain's lock is held until that transaction ends. */
async function appendIn(tx: StoreDatabase, newRow: NewAuditRow) {
  const appended = await appendAuditRowIn(tx, newRow, auditKeyring().current);
  noteAuditAppend();
  return appended;
}

/** The pending event as a row, for beginAuditEventIn(); its handle completes it later. */
function pendingEvent(actor: AuditActor, start: AuditEventStart): { row: NewAuditRow; handle: AuditEventHandle } {
  const pending = row(actor, start, "pending");
  return {
    row: pending,
    handle: { ...start, batchId: start.batchId ?? null, id: pending.id, actor, startedAt: pending.at.getTime() },
  };
}

function completion(handle: AuditEventHandle, end: AuditEventEnd): NewAuditRow {
  return row(handle.actor, handle, end.outcome, {
    refusal: end.outcome === "refused" ? checkedRefusal(end.refusal ?? "refused") : null,
    keyLabel: checkedLabel(end.keyLabel),
    completes: handle.id,
  });
}

function oneShot(actor: AuditActor, event: AuditEventStart & AuditEventEnd): NewAuditRow {
  return row(actor, event, event.outcome, {
    refusal: event.outcome === "refused" ? checkedRefusal(event.refusal ?? "refused") : null,
    keyLabel: checkedLabel(event.keyLabel),
  });
}

/** beginAuditEvent() inside the caller's transaction (lib/changes: beside the rotation guard's claim). */
export async function beginAuditEventIn(
  tx: StoreDatabase,
  actor: AuditActor,
  start: AuditEventStart,
): Promise<AuditEventHandle> {
  const { row: pending, handle } = pendingEvent(actor, start);
  await appendIn(tx, pending);
  return handle;
}

/**
 * finishAuditEvent() inside the caller's transaction (lib/changes: beside the rotation record).
 * The events `beside` it are appended first, in the same insert: one statement for them all.
 */
export async function finishAuditEventIn(
  tx: StoreDatabase,
  handle: AuditEventHandle,
  end: AuditEventEnd,
  beside: readonly AuditEventBeside[] = [],
): Promise<void> {
  if (beside.length === 0) {
    await appendIn(tx, completion(handle, end));
    return;
  }
  const rows = [...beside.map(({ actor, event }) => oneShot(actor, event)), completion(handle, end)];
  const inserts = beside.flatMap(({ insert }) => (insert ? [insert] : []));
  const appended = await appendAuditRowsIn(tx, rows, auditKeyring().current, inserts);
  for (let index = 0; index < appended.length; index++) noteAuditAppend();
}

/** recordAuditEvent() inside the caller's transaction (a refusal decided inside it). */
export async function recordAuditEventIn(
  tx: StoreDatabase,
  actor: AuditActor,
  event: AuditEventStart & AuditEventEnd,
): Promise<void> {
  await appendIn(tx, oneShot(actor, event));
}

/**
 * Writes the `pending` event before a faucet call. If it throws (the store is down), the
 * caller must refuse without calling the faucet: an action the log cannot record is not made.
 */
export async function beginAuditEvent(actor: AuditActor, start: AuditEventStart): Promise<AuditEventHandle> {
  const { row: pending, handle } = pendingEvent(actor, start);
  await append(pending);
  return handle;
}

/**
 * Completes a pending event with a second, linked row (`completes` = the pending row's id):
 * the pending row is never edited, so its hash and every hash after it stay valid. A second
 * completion of the same event is ignored (a unique index allows one).
 */
export async function finishAuditEvent(handle: AuditEventHandle, end: AuditEventEnd): Promise<void> {
  await append(completion(handle, end));
}

/** A one-shot event (sign-in, sign-out, a refusal before any faucet call): one row, already finished. */
export async function recordAuditEvent(actor: AuditActor, event: AuditEventStart & AuditEventEnd): Promise<void> {
  await append(oneShot(actor, event));
}

/** For callers that must not fail because the log did (after the faucet has answered, a sign-out): logs instead. */
export async function recordAuditEventQuietly(
  actor: AuditActor,
  event: AuditEventStart & AuditEventEnd,
): Promise<boolean> {
  try {
    await recordAuditEvent(actor, event);
    return true;
  } catch (error) {
    log.error(`the audit event ${event.action} could not be recorded`, error);
    return false;
  }
}

/**
 * Completes an event after the faucet answered. The answer stands whatever happens here: a
 * log that cannot take the completion is logged (the event stays pending, read as unknown)
 * and reported as false, never thrown.
 */
export async function finishAuditEventQuietly(handle: AuditEventHandle, end: AuditEventEnd): Promise<boolean> {
  try {
    await finishAuditEvent(handle, end);
    return true;
  } catch (error) {
    log.error(`a ${handle.action} audit event could not be completed; it stays pending (shown as unknown)`, error);
    return false;
  }
}
