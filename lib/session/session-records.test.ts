import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { useFreshProcessStore } from "@/e2e/support/process-store";
import { resetEnv } from "@/lib/config/env";
import { getStore } from "@/lib/store/get-store";
import { newSessionKey } from "./operator-key-box";
import {
  createSessionRecord,
  deleteSessionRecord,
  endOperatorSessions,
  endSessionIfKeyRefused,
  lookupSessionRecord,
  sessionIdleMs,
  replaceSessionIn,
  touchEveryMs,
} from "./session-records";

const KEY = "lf_0123456789abcdef0123456789abcdef";
const NEW_KEY = "lf_fedcba9876543210fedcba9876543210";
let operatorCounter = 0;

function open(operatorId: number, now = Date.now(), operatorKey = KEY) {
  return createSessionRecord({ operatorId, operatorName: "Ada", operatorKey, operatorKeyTail: "cdef", now });
}

describe.each(["pglite", "postgres"] as const)("session records on %s", (engine) => {
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    cleanup = await useFreshProcessStore(engine, inject("storeDatabaseUrl"));
  });
  afterAll(() => cleanup());

  it("opens only with the cookie's key; signing out deletes the row so a copied cookie opens nothing", async () => {
    const operatorId = 1 + operatorCounter++;
    const { id, sessionKey } = await open(operatorId);
    expect(await lookupSessionRecord(id, sessionKey, Date.now())).toMatchObject({
      kind: "live",
      record: { operatorId, operatorKey: KEY },
    });
    expect(await lookupSessionRecord(id, newSessionKey(), Date.now())).toEqual({ kind: "missing" });
    await deleteSessionRecord(id);
    expect(await lookupSessionRecord(id, sessionKey, Date.now())).toEqual({ kind: "missing" });
  });

  it("ends after the idle limit and after 12 hours, saying which", async () => {
    const operatorId = 1 + operatorCounter++;
    const start = Date.now();
    const idle = await open(operatorId, start);
    expect(await lookupSessionRecord(idle.id, idle.sessionKey, start + sessionIdleMs() + 1)).toEqual({
      kind: "ended",
      reason: "idle",
    });
    const longLived = await open(operatorId, start - 12 * 3_600_000);
    expect(await lookupSessionRecord(longLived.id, longLived.sessionKey, start)).toEqual({
      kind: "ended",
      reason: "expired",
    });
  });

  it("a background poll does not count as activity: polled every 30 s, an untouched session still goes idle; a person's request keeps it", async () => {
    const idleMs = sessionIdleMs();
    const start = Date.now();
    const polled = await open(1 + operatorCounter++, start);
    const used = await open(1 + operatorCounter++, start);
    for (let at = start + 30_000; at < start + idleMs; at += 30_000) {
      expect((await lookupSessionRecord(polled.id, polled.sessionKey, at, { touch: false })).kind).toBe("live");
      expect((await lookupSessionRecord(used.id, used.sessionKey, at)).kind).toBe("live");
    }
    expect(await lookupSessionRecord(polled.id, polled.sessionKey, start + idleMs, { touch: false })).toEqual({
      kind: "ended",
      reason: "idle",
    });
    expect((await lookupSessionRecord(used.id, used.sessionKey, start + idleMs)).kind).toBe("live");
  });

  it("with a limit of seconds (SESSION_IDLE_SECONDS) last_seen_at is written every quarter of it: a person's requests keep the session, polls do not", async () => {
    const saved = process.env.SESSION_IDLE_SECONDS;
    process.env.SESSION_IDLE_SECONDS = "8";
    resetEnv();
    try {
      expect(sessionIdleMs()).toBe(8_000);
      const start = Date.now();
      const polled = await open(1 + operatorCounter++, start);
      const used = await open(1 + operatorCounter++, start);
      // A request every 3 s for 24 s: with the old once-a-minute write the used session would have gone idle at 8 s.
      for (let at = start + 3_000; at <= start + 24_000; at += 3_000) {
        expect((await lookupSessionRecord(used.id, used.sessionKey, at)).kind).toBe("live");
        if (at < start + 8_000)
          expect((await lookupSessionRecord(polled.id, polled.sessionKey, at, { touch: false })).kind).toBe("live");
      }
      expect(await lookupSessionRecord(polled.id, polled.sessionKey, start + 8_000, { touch: false })).toEqual({
        kind: "ended",
        reason: "idle",
      });
      expect(await lookupSessionRecord(used.id, used.sessionKey, start + 24_000 + 8_000, { touch: false })).toEqual({
        kind: "ended",
        reason: "idle",
      });
    } finally {
      if (saved === undefined) delete process.env.SESSION_IDLE_SECONDS;
      else process.env.SESSION_IDLE_SECONDS = saved;
      resetEnv();
    }
  });

  it("sign out everywhere ends every session of the operator and only that operator", async () => {
    const operatorId = 1 + operatorCounter++;
    const [a, b] = [await open(operatorId), await open(operatorId)];
    const other = await open(operatorId + 10_000);
    expect(await endOperatorSessions(operatorId, "signed_out_everywhere", Date.now())).toBe(2);
    for (const session of [a, b])
      expect(await lookupSessionRecord(session.id, session.sessionKey, Date.now())).toEqual({
        kind: "ended",
        reason: "signed_out_everywhere",
      });
    expect((await lookupSessionRecord(other.id, other.sessionKey, Date.now())).kind).toBe("live");
  });

  // Issue 19, finding 3: this test asserted that the rotating session kept its id and switched
  // to the new key in place; a copy of its cookie then opened the new key. Now it is replaced.
  it("an operator-key rotation replaces the rotating session with a new one and ends every earlier session, with the reason", async () => {
    const operatorId = 1 + operatorCounter++;
    const [rotating, other] = [await open(operatorId), await open(operatorId)];
    const { db } = await getStore();
    const replaced = await db.transaction((tx) =>
      replaceSessionIn(tx, {
        id: rotating.id,
        operatorId,
        operatorName: "Ada",
        newKey: NEW_KEY,
        keyTail: "3210",
        now: Date.now(),
      }),
    );
    expect(replaced).not.toBeNull();
    expect(replaced!.id).not.toBe(rotating.id);
    expect(replaced!.sessionKey.equals(rotating.sessionKey)).toBe(false);
    expect(await lookupSessionRecord(replaced!.id, replaced!.sessionKey, Date.now())).toMatchObject({
      kind: "live",
      record: { operatorKey: NEW_KEY, operatorKeyTail: "3210" },
    });
    // A copy of the rotating browser's old cookie opens nothing and is told why.
    expect(await lookupSessionRecord(rotating.id, rotating.sessionKey, Date.now())).toEqual({
      kind: "ended",
      reason: "operator_key_rotated",
    });
    expect(await lookupSessionRecord(other.id, other.sessionKey, Date.now())).toEqual({
      kind: "ended",
      reason: "operator_key_rotated",
    });
    // The old row keeps no sealed key at all.
    const rows = (await db.execute(sql`select sealed_operator_key from sessions where id = ${rotating.id}`)).rows as {
      sealed_operator_key: string | null;
    }[];
    expect(rows).toEqual([{ sealed_operator_key: null }]);
  });

  it("makes no new session when the rotating one had ended meanwhile", async () => {
    const operatorId = 1 + operatorCounter++;
    const rotating = await open(operatorId);
    await endOperatorSessions(operatorId, "signed_out_everywhere", Date.now());
    const { db } = await getStore();
    expect(
      await db.transaction((tx) =>
        replaceSessionIn(tx, {
          id: rotating.id,
          operatorId,
          operatorName: "Ada",
          newKey: NEW_KEY,
          keyTail: "3210",
          now: Date.now(),
        }),
      ),
    ).toBeNull();
  });

  it("a refusal of a key the session no longer holds does not end it (a stale request)", async () => {
    const operatorId = 1 + operatorCounter++;
    const session = await open(operatorId);
    const { db } = await getStore();
    const replaced = (await db.transaction((tx) =>
      replaceSessionIn(tx, {
        id: session.id,
        operatorId,
        operatorName: "Ada",
        newKey: NEW_KEY,
        keyTail: "3210",
        now: Date.now(),
      }),
    ))!;
    // A request that began before the rotation, on the old session: the browser may hold the new cookie now.
    expect(await endSessionIfKeyRefused(session.id, session.sessionKey, KEY, Date.now())).toBe("superseded");
    expect((await lookupSessionRecord(replaced.id, replaced.sessionKey, Date.now())).kind).toBe("live");
    expect(await endSessionIfKeyRefused(replaced.id, replaced.sessionKey, NEW_KEY, Date.now())).toBe("ended");
    expect(await lookupSessionRecord(replaced.id, replaced.sessionKey, Date.now())).toEqual({
      kind: "ended",
      reason: "key_invalid",
    });
  });

  it("keeps no operator key in the clear in any column", async () => {
    const operatorId = 1 + operatorCounter++;
    await open(operatorId);
    const { db } = await getStore();
    const dump = JSON.stringify((await db.execute(sql`select * from sessions`)).rows);
    expect(dump).not.toContain(KEY.slice(3));
    expect(dump).not.toContain(NEW_KEY.slice(3));
  });
});

describe("the idle limit's configuration", () => {
  it("is SESSION_IDLE_MINUTES (default 30), or SESSION_IDLE_SECONDS when set; a bad value is a configuration error", () => {
    expect(sessionIdleMs({})).toBe(30 * 60_000);
    expect(sessionIdleMs({ SESSION_IDLE_MINUTES: "2" })).toBe(120_000);
    expect(sessionIdleMs({ SESSION_IDLE_MINUTES: "2", SESSION_IDLE_SECONDS: "12" })).toBe(12_000);
    expect(() => sessionIdleMs({ SESSION_IDLE_SECONDS: "4" })).toThrow(
      /SESSION_IDLE_SECONDS must be a whole number from 5 to 86400; got "4"/,
    );
    expect(() => sessionIdleMs({ SESSION_IDLE_SECONDS: "1.5" })).toThrow(/SESSION_IDLE_SECONDS/);
    expect(() => sessionIdleMs({ SESSION_IDLE_MINUTES: "0.5" })).toThrow(/SESSION_IDLE_MINUTES/);
  });

  it("writes last_seen_at once a minute for a limit of 4 minutes or more (production unchanged), else every quarter of the limit", () => {
    expect(touchEveryMs(30 * 60_000)).toBe(60_000);
    expect(touchEveryMs(4 * 60_000)).toBe(60_000);
    expect(touchEveryMs(120_000)).toBe(30_000);
    expect(touchEveryMs(8_000)).toBe(2_000);
  });
});
