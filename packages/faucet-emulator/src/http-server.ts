import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { FaucetEmulator } from "./faucet-emulator";
import { z } from "zod";
import { faultsSchema } from "./faults";
import type { EmulatorReply } from "./replies";

/**
 * The stand-alone faucet: the emulator behind node:http, at the contract's path.
 * Test-control routes exist only when `testControl` is set; otherwise they are
 * indistinguishable from any other unknown path.
 */

export const API_PATH = "/ai-agents/api";
const LEGACY_API_PATH = "/ai-agents/api.php";
export const MAX_BODY_BYTES = 64 * 1024;
/** How much of an oversized body we drain (without keeping it) before cutting the connection. */
const MAX_DRAIN_BYTES = 1024 * 1024;
/**
 * How long an idle kept-alive connection stays open (sent as `Keep-Alive: timeout=600`). Node's 5 s
 * default races clients whose pools keep sockets longer and ignore that hint (Playwright's request
 * context): a request sent as the server closes the socket fails with ECONNRESET.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 10 * 60_000;

export type FaucetServerOptions = { emulator: FaucetEmulator; port: number; host?: string; testControl?: boolean };

export type FaucetServer = { url: string; port: number; close(): Promise<void> };

type Body = { ok: true; text: string } | { ok: false };

export function startFaucetServer(options: FaucetServerOptions): Promise<FaucetServer> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer((req, res) => {
    route(options, req, res).catch((error: unknown) => {
      console.error(`Faucet server error: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) send(res, 500, { success: false, error: "Internal error", error_code: "internal" });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      const urlHost = host.includes(":") ? `[${host}]` : host;
      resolve({
        url: `http://${urlHost}:${port}${API_PATH}`,
        port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

async function route(options: FaucetServerOptions, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  if (path === API_PATH || path === LEGACY_API_PATH) {
    if (req.method !== "POST") return methodNotAllowed(res, "POST");
    const body = await readBody(req, res);
    if (!body.ok) return;
    const gone = new AbortController();
    // "close" before the reply finished means the client disconnected (e.g. timed out).
    res.once("close", () => {
      if (!res.writableFinished) gone.abort();
    });
    const reply = await options.emulator.handle({
      bodyText: body.text,
      headers: flattenHeaders(req),
      signal: gone.signal,
    });
    return sendReply(req, res, reply);
  }
  if (options.testControl && path?.startsWith("/__test/")) return testControl(options.emulator, path, req, res);
  send(res, 404, {
    success: false,
    error: `Not found: ${path}. The API is POST ${API_PATH}.`,
    error_code: "not_found",
  });
}

async function testControl(
  emulator: FaucetEmulator,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (path === "/__test/stats") {
    if (req.method !== "GET") return methodNotAllowed(res, "GET");
    // ?operator_id=N narrows the counts to one operator, so parallel tests can each count their own calls.
    const param = new URL(req.url ?? "/", "http://faucet.invalid").searchParams.get("operator_id");
    if (param === null) return send(res, 200, { success: true, ...emulator.stats() });
    if (!/^[1-9][0-9]{0,9}$/.test(param)) {
      return send(res, 400, {
        success: false,
        error: "operator_id must be a positive whole number",
        error_code: "invalid_request",
      });
    }
    return send(res, 200, { success: true, ...emulator.stats(Number(param)) });
  }
  if (path === "/__test/reset-stats") {
    if (req.method !== "POST") return methodNotAllowed(res, "POST");
    emulator.resetStats();
    return send(res, 200, { success: true });
  }
  if (path === "/__test/faults") {
    if (req.method !== "POST") return methodNotAllowed(res, "POST");
    const faults = await readControlBody(req, res, faultsSchema, { name: "Faults", noun: "faults" });
    if (faults === undefined) return;
    emulator.setFaults(faults);
    return send(res, 200, { success: true, faults });
  }
  if (path === "/__test/seed") {
    if (req.method !== "POST") return methodNotAllowed(res, "POST");
    const seed = await readControlBody(req, res, seedSchema, { name: "Seed", noun: "seed" });
    if (seed === undefined) return;
    const seeded = emulator.seedOperator({ name: seed.name, agentNames: seedAgentNames(seed) });
    return send(res, 200, {
      success: true,
      operator_id: seeded.operatorId,
      api_key: seeded.apiKey,
      agents: seeded.agents.map((agent) => ({ agent_id: agent.agentId, name: agent.name, api_key: agent.apiKey })),
    });
  }
  send(res, 404, { success: false, error: `Not found: ${path}`, error_code: "not_found" });
}

/**
 * A test-control body: read, parsed as JSON and checked against its schema. Undefined when it
 * was not, the typed 400 (or 413) already sent: "Seed body must be JSON", "Invalid seed: agents: …".
 */
async function readControlBody<T>(
  req: IncomingMessage,
  res: ServerResponse,
  schema: z.ZodType<T>,
  words: { name: string; noun: string },
): Promise<T | undefined> {
  const body = await readBody(req, res);
  if (!body.ok) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    send(res, 400, { success: false, error: `${words.name} body must be JSON`, error_code: "invalid_request" });
    return undefined;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const detail = issue ? `${issue.path.join(".") || "(root)"}: ${issue.message}` : "invalid";
    send(res, 400, { success: false, error: `Invalid ${words.noun}: ${detail}`, error_code: "invalid_request" });
    return undefined;
  }
  return parsed.data;
}

const seedName = z.string().trim().min(1).max(100);
/**
 * POST /__test/seed: an operator with many agents in one write, for tests that need a big
 * fleet (1,000 create_agent calls take seconds). Agents are named by `agentNames`, or
 * `agentCount` names "<agentNamePrefix><index>" with the index zero-padded to the count's width.
 */
const seedSchema = z.union([
  z.strictObject({ name: seedName, agentNames: z.array(seedName).max(10_000) }),
  z.strictObject({
    name: seedName,
    agentCount: z.number().int().min(0).max(10_000),
    agentNamePrefix: z.string().max(60),
  }),
]);

function seedAgentNames(seed: z.output<typeof seedSchema>): string[] {
  if ("agentNames" in seed) return seed.agentNames;
  const width = String(seed.agentCount).length;
  return Array.from(
    { length: seed.agentCount },
    (_, index) => `${seed.agentNamePrefix}${String(index + 1).padStart(width, "0")}`,
  );
}

/**
 * Reads at most MAX_BODY_BYTES. Past that it answers 413 at once and keeps nothing:
 * the rest is drained (so the client can read the 413) up to a cap, then the socket is cut.
 */
function readBody(req: IncomingMessage, res: ServerResponse): Promise<Body> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    tooLarge(req, res);
    return Promise.resolve({ ok: false });
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const finish = (body: Body) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      resolve(body);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        chunks.length = 0;
        tooLarge(req, res);
        finish({ ok: false });
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.on("end", () => finish({ ok: true, text: Buffer.concat(chunks).toString("utf8") }));
    req.on("error", () => finish({ ok: false }));
    req.on("close", () => finish({ ok: false }));
  });
}

function tooLarge(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("Connection", "close");
  send(res, 413, {
    success: false,
    error: `Request body too large (limit ${MAX_BODY_BYTES} bytes).`,
    error_code: "invalid_request",
  });
  let drained = 0;
  req.on("data", (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > MAX_DRAIN_BYTES) req.socket.destroy();
  });
  req.resume();
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader("Allow", allow);
  send(res, 405, { success: false, error: `Method not allowed; use ${allow}.`, error_code: "method_not_allowed" });
}

function send(res: ServerResponse, status: number, payload: Record<string, unknown>): void {
  writeReply(res, { status, contentType: "application/json; charset=utf-8", body: JSON.stringify(payload) });
}

function sendReply(req: IncomingMessage, res: ServerResponse, reply: EmulatorReply): void {
  // A dropped reply looks to the client like a connection lost after the request went out.
  if (reply.dropped) {
    req.socket.destroy();
    return;
  }
  writeReply(res, reply);
}

function writeReply(res: ServerResponse, reply: EmulatorReply): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(reply.status, {
    "Content-Type": reply.contentType,
    "Content-Length": Buffer.byteLength(reply.body),
    "Cache-Control": "no-store",
  });
  res.end(reply.body);
}

function flattenHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}
