import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFaucetEmulator, type FaucetEmulator } from "./faucet-emulator";
import { startFaucetServer } from "./http-server";

/** Shared by this folder's tests only. */

export function makeTempDir(label: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), `faucet-${label}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export type Json = Record<string, unknown>;

/** Calls an emulator in-process and parses the JSON reply (throws if it is not JSON). */
export async function callInProcess(
  emulator: FaucetEmulator,
  body: Json,
  headers: Record<string, string> = {},
): Promise<Json> {
  const reply = await emulator.handle({ bodyText: JSON.stringify(body), headers });
  return JSON.parse(reply.body) as Json;
}

/** Reads a string field from a reply, failing loudly (the tests want a clear message, not undefined). */
export function str(reply: Json, field: string): string {
  const value = reply[field];
  if (typeof value !== "string") throw new Error(`expected string ${field} in ${JSON.stringify(reply)}`);
  return value;
}

export function num(reply: Json, field: string): number {
  const value = reply[field];
  if (typeof value !== "number") throw new Error(`expected number ${field} in ${JSON.stringify(reply)}`);
  return value;
}

export type Harness = {
  url: string;
  base: string;
  emulator: FaucetEmulator;
  /** POSTs a JSON body (or raw text) to the API path and parses the JSON reply. */
  post(body: unknown, headers?: Record<string, string>): Promise<Json>;
  call(action: string, apiKey?: string | null, params?: Json): Promise<Json>;
  close(): Promise<void>;
};

/** The emulator behind a real HTTP server on an ephemeral port, as the console would reach it. */
export async function startHarness(options: {
  dataDir: string;
  now?: () => number;
  testControl?: boolean;
  seedAgents?: number;
}): Promise<Harness> {
  const emulator = createFaucetEmulator({ dataDir: options.dataDir, now: options.now, seedAgents: options.seedAgents });
  const server = await startFaucetServer({ emulator, port: 0, testControl: options.testControl ?? false });
  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    return (await response.json()) as Json;
  };
  return {
    url: server.url,
    base: server.url.replace(/\/ai-agents\/api$/, ""),
    emulator,
    post,
    call: (action, apiKey, params = {}) => post({ action, ...(apiKey ? { api_key: apiKey } : {}), ...params }),
    close: async () => {
      await server.close();
      emulator.close();
    },
  };
}
