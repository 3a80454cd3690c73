import { sql } from "drizzle-orm";
import { resetEnv } from "@/lib/config/env";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { verifyAuditChains } from "@/lib/audit/verify-audit-chains";
import { auditKeyring } from "@/lib/audit/audit-keys";
import { migrateStore } from "@/lib/store/migrate";
import { openStore } from "@/lib/store/open-store";
import { auditEvents, handoffs } from "@/lib/store/schema";
import type { Store } from "@/lib/store/store";
import {
  hashHandoffToken,
  openHandoffKey,
  sealHandoffKey,
  tokenMatches,
  TOKEN_PATTERN,
  HANDOFF_ID_PATTERN,
} from "./handoff-crypto";
import { readHandoffTtlMinutes } from "./handoff-settings";
import {
  createHandoff,
  handoffAlarms,
  latestHandoffs,
  lookupHandoff,
  MAX_WRONG_TOKENS,
  publicHandoff,
  redeemHandoff,
  revokeHandoff,
  sweepExpiredHandoffs,
} from "./handoffs";

/** The hand-off store on PGlite in memory: create, redeem once, lookup, expiry, lock, revoke, alarms, audit, and the dump canary. */
const STORE_KEY = Symbol.for("faucet-console.store");
let store: Store;
const made: { key: string; token: string }[] = [];

beforeAll(async () => {
  process.env.SESSION_SECRET ??= "handoff-test-session-secret-0123456789-abcdef";
  resetEnv();
  delete process.env.HANDOFF_TTL_MINUTES;
  resetEnv();
  store = await openStore({ pgliteDir: "memory://" });
  await migrateStore(store);
  (globalThis as Record<symbol, unknown>)[STORE_KEY] = { opening: Promise.resolve(store) };
}, 120_000);

afterAll(async () => {
  delete (globalThis as Record<symbol, unknown>)[STORE_KEY];
  await store.close();
});

let counter = 0;
const client = { address: "203.0.113.9", userAgent: "receive.mjs" };

async function aHandoff(now = Date.now()) {
  counter++;
  const apiKey = `agent_${"0123456789abcdef".repeat(2)}${String(counter).padStart(4, "0")}`;
  const created = await createHandoff({
    operatorId: 77,
    agentId: counter,
    agentName: `Bot ${counter}`,
    origin: `rotate:agent:${counter}`,
    keySource: `rotation:${crypto.randomUUID()}`,
    sessionLabel: "3fa1c2d0",
    apiKey,
    now,
  });
  made.push({ key: apiKey, token: created.token });
  return { ...created, apiKey, agentId: counter };
}

async function row(id: string) {
  const [found] = await store.db
    .select()
    .from(handoffs)
    .where(sql`${handoffs.id} = ${id}`);
  return found!;
}

async function auditOf(agentId: number) {
  return store.db
    .select({
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      refusal: auditEvents.refusal,
      address: auditEvents.clientAddress,
    })
    .from(auditEvents)
    .where(sql`${auditEvents.target} = ${`agent:${agentId}`}`)
    .orderBy(auditEvents.seq);
}

describe("the hand-off's cryptography", () => {
  it("opens only with the right token and the same id, agent and expiry", () => {
    const binding = { id: "abcdefghijklmnopqrstuv", agentId: 4, expiresAt: new Date(1_800_000_000_000) };
    const token = "x".repeat(43);
    const sealed = sealHandoffKey("agent_secret", token, binding);
    expect(openHandoffKey(sealed, token, binding)).toBe("agent_secret");
    expect(openHandoffKey(sealed, "y".repeat(43), binding)).toBeNull();
    expect(openHandoffKey(sealed, token, { ...binding, agentId: 5 })).toBeNull();
    expect(openHandoffKey(sealed, token, { ...binding, id: "bbcdefghijklmnopqrstuv" })).toBeNull();
    expect(openHandoffKey(sealed, token, { ...binding, expiresAt: new Date(1_800_000_000_001) })).toBeNull();
    expect(openHandoffKey("short", token, binding)).toBeNull();
    expect(tokenMatches(token, hashHandoffToken(token))).toBe(true);
    expect(tokenMatches("y".repeat(43), hashHandoffToken(token))).toBe(false);
    expect(tokenMatches(token, "not-a-hash")).toBe(false);
  });

  it("reads HANDOFF_TTL_MINUTES: 15 by default, 1 to 1440, anything else a clear error", () => {
    expect(readHandoffTtlMinutes({})).toBe(15);
    expect(readHandoffTtlMinutes({ HANDOFF_TTL_MINUTES: "1440" })).toBe(1440);
    for (const bad of ["0", "1441", "1.5", "-3", "ten"])
      expect(() => readHandoffTtlMinutes({ HANDOFF_TTL_MINUTES: bad })).toThrow(/HANDOFF_TTL_MINUTES must be/);
  });
});

describe("hand-offs in the store", { timeout: 60_000 }, () => {
  beforeEach(() => {
    delete process.env.HANDOFF_TTL_MINUTES;
    resetEnv();
  });

  it("makes a 256-bit token and a 15-minute expiry, and redeems exactly once, erasing the ciphertext", async () => {
    const now = Date.now();
    const handoff = await aHandoff(now);
    expect(handoff.token).toMatch(TOKEN_PATTERN);
    expect(Buffer.from(handoff.token, "base64url")).toHaveLength(32);
    expect(handoff.id).toMatch(HANDOFF_ID_PATTERN);
    expect(handoff.expiresAt).toBe(now + 15 * 60_000);
    expect((await row(handoff.id)).sealedKey).toBeTruthy();

    const first = await redeemHandoff(handoff.id, handoff.token, client);
    expect(first).toMatchObject({
      ok: true,
      apiKey: handoff.apiKey,
      handoff: { state: "redeemed", redeemedAddress: "203.0.113.9" },
    });
    const after = await row(handoff.id);
    expect(after).toMatchObject({ state: "redeemed", sealedKey: null, redeemedUserAgent: "receive.mjs" });
    expect(after.redeemedAt).toBeInstanceOf(Date);

    const second = await redeemHandoff(handoff.id, handoff.token, client);
    expect(second).toMatchObject({ ok: false, refusal: "already_redeemed", handoff: { alarm: "collected_twice" } });
    expect(await auditOf(handoff.agentId)).toEqual([
      { action: "create_handoff", outcome: "ok", refusal: null, address: null },
      { action: "redeem_handoff", outcome: "ok", refusal: null, address: "203.0.113.9" },
      { action: "redeem_handoff", outcome: "refused", refusal: "replayed", address: "203.0.113.9" },
    ]);
    expect((await handoffAlarms(77)).map((alarm) => [alarm.id, alarm.alarm])).toContainEqual([
      handoff.id,
      "collected_twice",
    ]);
  });

  it("gives one key to two redeems at the same instant", async () => {
    const handoff = await aHandoff();
    const outcomes = await Promise.all([
      redeemHandoff(handoff.id, handoff.token, client),
      redeemHandoff(handoff.id, handoff.token, client),
    ]);
    expect(outcomes.filter((outcome) => outcome.ok)).toHaveLength(1);
    expect(outcomes.filter((outcome) => !outcome.ok)).toMatchObject([{ refusal: "already_redeemed" }]);
  });

  it("looks up without consuming, and answers an unknown id as not_found", async () => {
    const handoff = await aHandoff();
    const looked = await lookupHandoff(handoff.id, handoff.token, client);
    expect(looked).toMatchObject({
      ok: true,
      handoff: {
        state: "waiting",
        agentId: handoff.agentId,
        origin: `rotate:agent:${handoff.agentId}`,
        expiresAt: handoff.expiresAt,
      },
    });
    expect(JSON.stringify(looked)).not.toContain(handoff.apiKey);
    expect(await publicHandoff(handoff.id)).toMatchObject({ state: "waiting" });
    expect((await row(handoff.id)).sealedKey).toBeTruthy();
    expect(await redeemHandoff(handoff.id, handoff.token, client)).toMatchObject({ ok: true });
    expect(await redeemHandoff("AAAAAAAAAAAAAAAAAAAAAA", handoff.token, client)).toEqual({
      ok: false,
      refusal: "not_found",
      handoff: null,
    });
    expect(await lookupHandoff("AAAAAAAAAAAAAAAAAAAAAA", handoff.token, client)).toEqual({
      ok: false,
      refusal: "not_found",
      handoff: null,
    });
  });

  it(`locks after ${MAX_WRONG_TOKENS} wrong tokens (redeem or lookup), erasing the key; the right token then gets 'locked'`, async () => {
    const handoff = await aHandoff();
    const wrong = "w".repeat(43);
    for (let attempt = 1; attempt < MAX_WRONG_TOKENS; attempt++) {
      const outcome =
        attempt % 2 ? await redeemHandoff(handoff.id, wrong, client) : await lookupHandoff(handoff.id, wrong, client);
      expect(outcome).toMatchObject({ ok: false, refusal: "wrong_token" });
    }
    expect(await redeemHandoff(handoff.id, wrong, client)).toMatchObject({ ok: false, refusal: "locked" });
    expect(await row(handoff.id)).toMatchObject({
      state: "locked",
      sealedKey: null,
      alarm: "locked",
      failedAttempts: MAX_WRONG_TOKENS,
    });
    expect(await redeemHandoff(handoff.id, handoff.token, client)).toMatchObject({ ok: false, refusal: "locked" });
    const refusals = (await auditOf(handoff.agentId)).map((event) => event.refusal);
    expect(refusals.filter((refusal) => refusal === "wrong_token")).toHaveLength(MAX_WRONG_TOKENS - 1);
    expect(refusals).toContain("locked");
  });

  it("expires: erased on read with an alarm, and by the sweep", async () => {
    const now = Date.now();
    const read = await aHandoff(now - 16 * 60_000);
    const swept = await aHandoff(now - 16 * 60_000);
    const fresh = await aHandoff(now);
    expect(await redeemHandoff(read.id, read.token, client, now)).toMatchObject({
      ok: false,
      refusal: "expired",
      handoff: { state: "expired", alarm: "expired_unredeemed" },
    });
    expect(await row(read.id)).toMatchObject({ state: "expired", sealedKey: null });
    expect(await sweepExpiredHandoffs(now)).toBeGreaterThanOrEqual(1);
    expect(await row(swept.id)).toMatchObject({ state: "expired", sealedKey: null, alarm: "expired_unredeemed" });
    expect(await row(fresh.id)).toMatchObject({ state: "waiting" });
    expect((await auditOf(swept.agentId)).map((event) => event.action)).toEqual(["create_handoff", "expire_handoff"]);
  });

  it("honours HANDOFF_TTL_MINUTES", async () => {
    process.env.HANDOFF_TTL_MINUTES = "1440";
    resetEnv();
    const now = Date.now();
    expect((await aHandoff(now)).expiresAt).toBe(now + 1440 * 60_000);
  });

  it("revokes a waiting hand-off of the same operator only", async () => {
    const handoff = await aHandoff();
    expect(await revokeHandoff(78, handoff.id, "other")).toBe(false);
    expect(await revokeHandoff(77, handoff.id, "3fa1c2d0")).toBe(true);
    expect(await row(handoff.id)).toMatchObject({ state: "revoked", sealedKey: null });
    expect(await redeemHandoff(handoff.id, handoff.token, client)).toMatchObject({ ok: false, refusal: "revoked" });
    expect(await revokeHandoff(77, handoff.id, "3fa1c2d0")).toBe(false);
    expect((await auditOf(handoff.agentId)).map((event) => event.action)).toContain("revoke_handoff");
  });

  it("lists each agent's latest hand-off", async () => {
    const older = await aHandoff();
    const listed = await latestHandoffs(77, [older.agentId, 999_999]);
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ id: older.id, state: "waiting" });
  });

  it("keeps every event in a verifiable hash chain, and a dump of the store holds no key and no token", async () => {
    expect(await verifyAuditChains(store.db, { keyring: auditKeyring() })).toMatchObject({ ok: true, unkeyed: 0 });
    expect(made.length).toBeGreaterThanOrEqual(10);
    const tables = await store.db.execute<{ name: string }>(
      sql`select table_name as name from information_schema.tables where table_schema = 'public'`,
    );
    let dump = "";
    for (const { name } of tables.rows) {
      const rows = await store.db.execute(sql`select * from ${sql.identifier(name)}`);
      dump += JSON.stringify(rows.rows);
    }
    expect(dump).toContain("handoff");
    for (const { key, token } of made) {
      expect(dump).not.toContain(key);
      expect(dump).not.toContain(key.slice(6, 30));
      expect(dump).not.toContain(token);
      expect(dump).not.toContain(token.slice(0, 20));
    }
  });
});
