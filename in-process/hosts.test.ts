import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import fc from "fast-check";
import { describe, expect, it, vi } from "vitest";
import { connectAgentHost, disconnectAgentHost } from "@/lib/actions/agent-hosts";
import { rotateAgentKey } from "@/lib/actions/rotate-agent-key";
import { getStore } from "@/lib/store/get-store";
import { auditEvents, hostEnvelopes } from "@/lib/store/schema";
import { inProcessConsoleForFile, FUZZ_RUNS } from "./support/fuzz-console";
import { asRequest } from "./support/in-process-console";
import {
  acknowledge,
  enrol,
  enrolRequest,
  fetchEnvelopes,
  newHostKeys,
  poll,
  signedHeaders,
} from "./support/test-host";

vi.mock("next/headers", () => import("./support/next-headers-double"));

/**
 * Agent hosts (issue 23) on the in-process console: a host enrols once, every rotation of its
 * agent is sealed to it and answers no key, the host fetches with signed requests (its own
 * envelopes only, fresh time, fresh nonce) and acknowledges; an offline host finds its keys
 * waiting; a disconnected host gets nothing; the routes answer anything with typed JSON.
 */
const inProcess = inProcessConsoleForFile();
/** Every key and private key these tests made: none may be in the store. */
const secrets: string[] = [];

async function returned<T>(request: { cookie?: string; origin?: string | null }, work: () => Promise<T>): Promise<T> {
  const outcome = await asRequest(request, work);
  if (outcome.kind !== "returned") throw new Error(`redirected to ${outcome.url}`);
  return outcome.value;
}

type Rotation = {
  ok: boolean;
  data?: {
    apiKey: string | null;
    delivered: { hostName: string } | null;
    handoff?: { id: string } | null;
    rotatedAt: number;
  };
};

async function setUp(name: string, agentNames = ["Host Bot"]) {
  const operator = await inProcess.console.newOperator(name, agentNames);
  const cookie = await inProcess.console.signInCookie(operator.operatorKey);
  const connect = async (agent: { id: number; name: string }, hostName = "agent-box-1") => {
    const link = await returned({ cookie }, () => connectAgentHost({ agentId: agent.id, agentName: agent.name }));
    if (!link.ok) throw new Error(link.message);
    const host = await enrol(link.data.id, link.data.token, hostName);
    secrets.push(host.sealing.private, host.signing.private, link.data.token);
    return { host, link: link.data };
  };
  let knownRotationAt: number | null = null;
  const rotate = async (agentId: number, extra: { showKey?: boolean; handOff?: { agentName: string } } = {}) => {
    const result = (await returned({ cookie }, () =>
      rotateAgentKey({ agentId, attemptId: randomUUID(), knownRotationAt, ownAttemptId: null, ...extra }),
    )) as Rotation;
    if (result.ok) knownRotationAt = result.data!.rotatedAt;
    return result;
  };
  return { ...operator, cookie, connect, rotate };
}

async function accepted(key: string) {
  const reply = await inProcess.console.faucetCall({ action: "whoami", api_key: key });
  secrets.push(key);
  return reply;
}

async function auditActions(agentId: number) {
  const { db } = await getStore();
  const rows = await db
    .select({ action: auditEvents.action })
    .from(auditEvents)
    .where(sql`${auditEvents.target} = ${`agent:${agentId}`}`)
    .orderBy(auditEvents.seq);
  return rows.map((row) => row.action);
}

async function waiting(hostId: string) {
  const { db } = await getStore();
  return db
    .select()
    .from(hostEnvelopes)
    .where(sql`${hostEnvelopes.hostId} = ${hostId}`);
}

describe("agent hosts", { timeout: 120_000 }, () => {
  it("enrol once; a rotation is sealed to the host, answers no key, and the host's key works", async () => {
    const { agents, connect, rotate } = await setUp("Hosts Delivery");
    const agent = agents[0]!;
    const { host, link } = await connect(agent);
    // A link works once.
    const again = await enrolRequest(link.id, link.token, {
      name: "second",
      sealing_public_key: newHostKeys().sealing.public,
      signing_public_key: newHostKeys().signing.public,
    });
    expect(again.status).toBe(410);
    expect(await again.json()).toMatchObject({ code: "already_used" });

    const rotated = await rotate(agent.id);
    expect(rotated).toMatchObject({ ok: true, data: { apiKey: null, delivered: { hostName: "agent-box-1" } } });
    expect(JSON.stringify(rotated)).not.toMatch(/agent_[0-9a-f]{8}/);
    expect(await waiting(host.hostId)).toHaveLength(1);

    const [key] = await poll(host);
    expect(await accepted(key!)).toMatchObject({ success: true, type: "agent", id: agent.id });
    expect(await waiting(host.hostId)).toHaveLength(0);
    expect(await poll(host)).toEqual([]);
    expect(await auditActions(agent.id)).toEqual([
      "enrol_host",
      "rotate_agent_key",
      // Sealed in the rotation's closing transaction, before its audit completion.
      "create_host_envelope",
      "rotate_agent_key",
      "fetch_host_envelope",
      "ack_host_envelope",
    ]);
  });

  it("Show key anyway: the reply keeps the key, and the host gets it too", async () => {
    const { agents, connect, rotate } = await setUp("Hosts Show Anyway");
    const { host } = await connect(agents[0]!);
    const rotated = await rotate(agents[0]!.id, { showKey: true });
    expect(rotated).toMatchObject({ ok: true, data: { delivered: { hostName: "agent-box-1" } } });
    const shown = rotated.data!.apiKey!;
    expect(shown).toMatch(/^agent_/);
    expect(await poll(host)).toEqual([shown]);
  });

  it("a hand-off of a hosted agent's key: one closing transaction makes both the link and the envelope", async () => {
    const { agents, connect, rotate } = await setUp("Hosts And Handoff");
    const agent = agents[0]!;
    const { host } = await connect(agent);
    const rotated = await rotate(agent.id, { handOff: { agentName: agent.name } });
    // Both audit events join the one chain in the closing transaction: it commits, nothing is left pending.
    expect(rotated).toMatchObject({
      ok: true,
      data: { apiKey: null, delivered: { hostName: "agent-box-1" }, handoff: { id: expect.any(String) } },
    });
    const [key] = await poll(host);
    expect(await accepted(key!)).toMatchObject({ success: true, type: "agent", id: agent.id });
    expect(await auditActions(agent.id)).toEqual([
      "enrol_host",
      "rotate_agent_key",
      "create_handoff",
      "create_host_envelope",
      "rotate_agent_key",
      "fetch_host_envelope",
      "ack_host_envelope",
    ]);
  });

  it("an offline host finds its envelopes waiting, oldest first, and the last one works", async () => {
    const { agents, connect, rotate } = await setUp("Hosts Offline");
    const { host } = await connect(agents[0]!);
    expect(await rotate(agents[0]!.id)).toMatchObject({ ok: true });
    expect(await rotate(agents[0]!.id)).toMatchObject({ ok: true });
    expect(await waiting(host.hostId)).toHaveLength(2);
    const keys = await poll(host);
    expect(keys).toHaveLength(2);
    expect(await accepted(keys[1]!)).toMatchObject({ success: true, id: agents[0]!.id });
    expect(
      await inProcess.console.faucetCall({ action: "whoami", api_key: keys[0]! }).catch((error) => error),
    ).toBeInstanceOf(Error);
  });

  it("a second host cannot fetch or acknowledge the first host's envelopes; a forged id fails its signature", async () => {
    const { agents, connect, rotate } = await setUp("Hosts Two", ["First Bot", "Second Bot"]);
    const { host: first } = await connect(agents[0]!, "box-first");
    const { host: second } = await connect(agents[1]!, "box-second");
    await rotate(agents[0]!.id);
    const [envelope] = await waiting(first.hostId);

    const own = await fetchEnvelopes(signedHeaders(second, "GET", "/api/hosts/envelopes"));
    expect(own.status).toBe(200);
    expect((await own.json()) as { envelopes: unknown[] }).toMatchObject({ envelopes: [] });

    const forged = await fetchEnvelopes(signedHeaders(second, "GET", "/api/hosts/envelopes", { hostId: first.hostId }));
    expect(forged.status).toBe(401);
    expect(await forged.json()).toMatchObject({ code: "bad_signature" });

    const path = `/api/hosts/envelopes/${envelope!.id}/ack`;
    const ack = await acknowledge(envelope!.id, signedHeaders(second, "POST", path));
    expect(ack.status).toBe(404);
    expect(await ack.json()).toMatchObject({ code: "envelope_not_found" });
    const forgedAck = await acknowledge(envelope!.id, signedHeaders(second, "POST", path, { hostId: first.hostId }));
    expect(await forgedAck.json()).toMatchObject({ code: "bad_signature" });
    // A signature for another path does not acknowledge this one.
    const otherPath = await acknowledge(envelope!.id, signedHeaders(first, "POST", "/api/hosts/envelopes"));
    expect(await otherPath.json()).toMatchObject({ code: "bad_signature" });
    expect(await waiting(first.hostId)).toHaveLength(1);
    expect(await poll(first)).toHaveLength(1);
  });

  it("refuses a replayed request and a stale or future time", async () => {
    const { agents, connect } = await setUp("Hosts Replay");
    const { host } = await connect(agents[0]!);
    const headers = signedHeaders(host, "GET", "/api/hosts/envelopes");
    expect((await fetchEnvelopes(headers)).status).toBe(200);
    const replayed = await fetchEnvelopes(headers);
    expect(replayed.status).toBe(401);
    expect(await replayed.json()).toMatchObject({ code: "replayed" });
    for (const time of [Date.now() - 61_000, Date.now() + 61_000]) {
      const stale = await fetchEnvelopes(signedHeaders(host, "GET", "/api/hosts/envelopes", { time }));
      expect(stale.status).toBe(401);
      expect(await stale.json()).toMatchObject({ code: "stale_time" });
    }
    const unsigned = await fetchEnvelopes({});
    expect(await unsigned.json()).toMatchObject({ code: "missing_signature" });
  });

  it("a disconnected host gets nothing: its waiting envelopes are deleted and new keys are shown instead", async () => {
    const { agents, connect, rotate, cookie } = await setUp("Hosts Disconnect");
    const agent = agents[0]!;
    const { host } = await connect(agent);
    await rotate(agent.id);
    expect(await returned({ cookie }, () => disconnectAgentHost({ agentId: agent.id }))).toMatchObject({ ok: true });
    expect(await returned({ cookie }, () => disconnectAgentHost({ agentId: agent.id }))).toMatchObject({
      ok: false,
      code: "not_found",
    });
    expect(await waiting(host.hostId)).toHaveLength(0);
    const refused = await fetchEnvelopes(signedHeaders(host, "GET", "/api/hosts/envelopes"));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "disconnected" });
    const shown = await rotate(agent.id);
    expect(shown).toMatchObject({ ok: true, data: { delivered: null } });
    secrets.push(shown.data!.apiKey!);
    expect(await waiting(host.hostId)).toHaveLength(0);
    expect(await auditActions(agent.id)).toContain("disconnect_host");
  });

  it("connect and disconnect authenticate; another operator's link cannot be forged", async () => {
    const { agents, cookie } = await setUp("Hosts Auth");
    const other = await inProcess.console.newOperator("Hosts Auth Other", ["Not Yours"]);
    expect(
      await returned({ cookie }, () => connectAgentHost({ agentId: other.agents[0]!.id, agentName: "Not Yours" })),
    ).toMatchObject({ ok: false, code: "not_found" });
    expect(await returned({}, () => connectAgentHost({ agentId: agents[0]!.id, agentName: "x" }))).toMatchObject({
      ok: false,
      code: "signed_out",
    });
    const wrong = await enrolRequest("AAAAAAAAAAAAAAAAAAAAAA", "t".repeat(43), {});
    expect(wrong.status).toBe(400);
    const unknown = await enrolRequest("AAAAAAAAAAAAAAAAAAAAAA", "t".repeat(43), {
      name: "x",
      sealing_public_key: newHostKeys().sealing.public,
      signing_public_key: newHostKeys().signing.public,
    });
    expect(await unknown.json()).toMatchObject({ code: "not_found" });
  });

  it("fuzz: the host routes answer typed JSON, never a 5xx", async () => {
    const { agents, connect, rotate } = await setUp("Hosts Fuzz");
    const { host, link } = await connect(agents[0]!);
    await rotate(agents[0]!.id);
    const [envelope] = await waiting(host.hostId);
    const codes = new Set([
      "not_found",
      "wrong_token",
      "expired",
      "already_used",
      "invalid_keys",
      "invalid_input",
      "missing_token",
      "missing_signature",
      "unknown_host",
      "bad_signature",
      "stale_time",
      "replayed",
      "disconnected",
      "envelope_not_found",
      "rate_limited",
    ]);
    const text = fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^[A-Za-z0-9_-]{22,86}$/));
    const headerValue = fc.oneof(text, fc.constant(""), fc.constant(host.hostId), fc.constant(String(Date.now())));
    const input = fc.record({
      route: fc.constantFrom("enrol", "fetch", "ack"),
      id: fc.oneof(text, fc.constant(link.id), fc.constant(envelope!.id)),
      token: fc.oneof(text, fc.constant(link.token)),
      body: fc.oneof(
        fc.string({ maxLength: 200 }),
        fc.json(),
        fc.record({ name: text, sealing_public_key: text, signing_public_key: text }).map((v) => JSON.stringify(v)),
      ),
      signed: fc.boolean(),
      headers: fc.record({
        "x-host-id": headerValue,
        "x-host-time": headerValue,
        "x-host-nonce": headerValue,
        "x-host-signature": headerValue,
      }),
    });
    const safeHeaders = (headers: Record<string, string>) =>
      Object.fromEntries(Object.entries(headers).filter(([, value]) => /^[\x20-\x7e]*$/.test(value)));
    await fc.assert(
      fc.asyncProperty(input, async ({ route, id, token, body, signed, headers }) => {
        const path = route === "ack" ? `/api/hosts/envelopes/${encodeURIComponent(id)}/ack` : "/api/hosts/envelopes";
        const chosen = signed ? signedHeaders(host, route === "ack" ? "POST" : "GET", path) : safeHeaders(headers);
        let response: Response;
        try {
          response =
            route === "enrol"
              ? await enrolRequest(id, /^[\x20-\x7e]*$/.test(token) ? token : "x", body)
              : route === "fetch"
                ? await fetchEnvelopes(chosen)
                : await acknowledge(id, chosen, body);
        } catch (error) {
          // A URL or header the fetch API itself refuses never reaches the console.
          if (error instanceof TypeError) return;
          throw error;
        }
        expect(response.status).toBeLessThan(500);
        expect(response.headers.get("cache-control")).toBe("no-store");
        const json = (await response.json()) as { code?: string };
        if (response.status !== 200) expect(codes.has(json.code ?? "")).toBe(true);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it("fuzz: Connect agent host and Disconnect host answer random arguments with typed results, never a throw", async () => {
    const { cookie, agents } = await setUp("Hosts Action Fuzz");
    const argument = fc.oneof(
      fc.anything(),
      fc.record({ agentId: fc.oneof(fc.integer(), fc.constant(agents[0]!.id), fc.string()), agentName: fc.string() }),
      fc.record({ agentId: fc.oneof(fc.integer(), fc.constant(agents[0]!.id)) }),
    );
    const codes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(connectAgentHost, disconnectAgentHost),
        fc.array(argument, { maxLength: 2 }),
        fc.constantFrom(cookie, undefined, "faucet_console_session=garbage"),
        async (action, list, withCookie) => {
          const outcome = await asRequest({ cookie: withCookie }, () =>
            (action as (...args: unknown[]) => Promise<unknown>)(...list),
          );
          expect(outcome.kind).toBe("returned");
          const result = (outcome as { value: { ok: boolean; code?: string } }).value;
          if (!result.ok) {
            expect(["signed_out", "invalid_input", "not_found"]).toContain(result.code);
            codes.add(result.code!);
          }
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
    expect(codes).toContain("signed_out");
    expect(codes).toContain("invalid_input");
  });

  it("a dump of the store holds no key, no private key and no link token", async () => {
    expect(secrets.length).toBeGreaterThan(10);
    const { db } = await getStore();
    const tables = await db.execute<{ name: string }>(
      sql`select table_name as name from information_schema.tables where table_schema = 'public'`,
    );
    let dump = "";
    for (const { name } of tables.rows)
      dump += JSON.stringify((await db.execute(sql`select * from ${sql.identifier(name)}`)).rows);
    expect(dump).toContain("host_envelope");
    for (const secret of secrets) {
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(secret.slice(6, 30));
    }
  });
});
