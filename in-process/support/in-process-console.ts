import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { isRedirectError } from "next/dist/client/components/redirect-error";
import { getURLFromRedirectError } from "next/dist/client/components/redirect";
import { inject } from "vitest";
import { scratchDir } from "@/e2e/support/scratch-dir";
import { signIn } from "@/lib/actions/sign-in";
import { createFaucetEmulator, type FaucetEmulator } from "faucet-emulator";
import { SESSION_COOKIE } from "@/lib/session/session-seal";
import { migrateStore } from "@/lib/store/migrate";
import { resetEnv } from "@/lib/config/env";
import { getEmbeddedFaucet } from "@/lib/faucet/embedded-transport";
import { openStore } from "@/lib/store/open-store";
import type { Store } from "@/lib/store/store";
import { beginRequest, setCookieValue } from "./next-headers-double";

/**
 * The console's server code in this process, for properties that need no HTTP: the actions
 * and route handlers are called as functions, next/headers is the double in
 * next-headers-double.ts (the test file mocks it), the store is PGlite in memory, and the
 * faucet is the emulator, whose per-operator call counts are the "no faucet call" oracle.
 * It takes the same places the console's own getStore() and embedded faucet live in, so
 * every module reaches them exactly as in a running console.
 */
const STORE_KEY = Symbol.for("faucet-console.store");
const EMBEDDED_FAUCET_KEY = Symbol.for("lightning-faucet-emulator.embedded");

/** Generous limits, as the shared e2e consoles have: these tests are about input, not limits. */
const GENEROUS_LIMITS = {
  FAUCET_DEMO_KEYLESS_CALLS: "100000",
  RATE_LIMIT_SIGN_INS: "100000",
  RATE_LIMIT_SIGN_INS_GLOBAL: "100000",
  RATE_LIMIT_ROTATIONS: "100000",
  RATE_LIMIT_BULK_CALLS: "100000",
  RATE_LIMIT_AGENT_CHANGES: "100000",
};

export type InProcessOperator = {
  operatorKey: string;
  operatorId: number;
  agents: { id: number; name: string; key: string }[];
};

export type InProcessConsole = {
  faucet: FaucetEmulator;
  /** Calls the faucet in-process; throws unless it succeeded. */
  faucetCall(body: Record<string, unknown>): Promise<Record<string, unknown>>;
  newOperator(name: string, agentNames?: string[]): Promise<InProcessOperator>;
  /** Calls per action made with this operator's (or its agents') keys so far. */
  callsOf(operatorId: number): Record<string, number>;
  /** Signs in through the sign-in action; returns the Cookie header a browser would send next. */
  signInCookie(operatorKey: string): Promise<string>;
  close(): Promise<void>;
};

export type Outcome<T> = { kind: "returned"; value: T } | { kind: "redirected"; url: string };

/**
 * One request to the console: sets its headers and cookies, runs `work`, and tells a
 * return from a redirect (which Next turns into a 303). Anything else thrown escapes:
 * in a running console it would be a 500.
 */
export async function asRequest<T>(
  request: { cookie?: string; origin?: string | null; extraHeaders?: Record<string, string> },
  work: () => Promise<T>,
): Promise<Outcome<T>> {
  beginRequest(request);
  try {
    return { kind: "returned", value: await work() };
  } catch (error) {
    if (isRedirectError(error)) return { kind: "redirected", url: getURLFromRedirectError(error) };
    throw error;
  }
}

/**
 * What the console keeps for its whole process, made from the environment the first time it is
 * used: limiters (their limits), the session and audit secrets, the agent-list memo, the faucet
 * client, the embedded faucet. The files of the "in-process" project share one module graph and
 * one globalThis per worker (vitest.config.ts: isolate off), so each console starts from none of
 * them and from the environment the worker started with, as a fresh process would.
 */
const PROCESS_GLOBALS = [
  "consoleStoreLimiters",
  "knownSignInKeys",
  "globalSignInLimiter",
  "demoKeylessLimiter",
  "sessionPasswords",
  "auditKeyring",
  "agentListMemo",
  "faucetClient",
] as const;
const FIRST_ENV = Symbol.for("faucet-console.in-process-first-env");

function asFreshProcess(): void {
  const globals = globalThis as Record<string | symbol, unknown>;
  const firstEnv = (globals[FIRST_ENV] ??= { ...process.env }) as NodeJS.ProcessEnv;
  for (const name of Object.keys(process.env)) if (!(name in firstEnv)) delete process.env[name];
  Object.assign(process.env, firstEnv);
  for (const name of PROCESS_GLOBALS) delete globals[name];
  delete globals[EMBEDDED_FAUCET_KEY];
}

export type InProcessConsoleOptions = {
  /** "default": the console's own defaults (env.ts), for the tests of the limits themselves. */
  limits?: "generous" | "default";
  /** Set after the limits, e.g. one limit lowered so a test can reach it. */
  env?: Record<string, string>;
  /**
   * "demo": the faucet a demo console opens for itself (getEmbeddedFaucet, with the seeded demo
   * operator and the FAUCET_DEMO_MAX_* caps), for the tests of those caps; otherwise an uncapped emulator.
   */
  faucet?: "emulator" | "demo";
};

export async function startInProcessConsole({
  limits = "generous",
  env = {},
  faucet: faucetKind = "emulator",
}: InProcessConsoleOptions = {}): Promise<InProcessConsole> {
  // The emulator fsyncs every write: on tmpfs that costs nothing, and these tests write a lot.
  const dir = scratchDir("faucet-console-in-process-");
  asFreshProcess();
  delete process.env.FAUCET_API_URL;
  delete process.env.DATABASE_URL;
  Object.assign(process.env, limits === "generous" ? GENEROUS_LIMITS : {}, env, {
    CONSOLE_DATA_DIR: dir,
    FAUCET_DATA_DIR: path.join(dir, "faucet"),
    SESSION_SECRET: "in-process-session-secret-0123456789-abcdef",
  });
  resetEnv();

  const globals = globalThis as Record<symbol, unknown>;
  const faucet =
    faucetKind === "demo" ? getEmbeddedFaucet() : createFaucetEmulator({ dataDir: path.join(dir, "faucet") });
  globals[EMBEDDED_FAUCET_KEY] = faucet;
  const opening = (async (): Promise<Store> => {
    // From the migrated dump the project's globalSetup made (store-template-setup.ts): no initdb per file.
    const store = await openStore({
      pgliteDir: "memory://",
      loadDataDir: new Blob([readFileSync(inject("inProcessStoreTemplate"))]),
    });
    // Applies nothing on the template; it stays so the store is the console's current schema whatever it was loaded from.
    await migrateStore(store);
    return store;
  })();
  globals[STORE_KEY] = { opening };
  await opening;

  const faucetCall = async (body: Record<string, unknown>) => {
    const reply = JSON.parse((await faucet.handle({ bodyText: JSON.stringify(body), headers: {} })).body) as Record<
      string,
      unknown
    >;
    if (reply.success !== true) throw new Error(`faucet refused ${String(body.action)}: ${String(reply.error)}`);
    return reply;
  };

  return {
    faucet,
    faucetCall,
    async newOperator(name, agentNames = ["Alpha Bot"]) {
      const registered = await faucetCall({ action: "register", name });
      const operatorKey = String(registered.api_key);
      const agents = [];
      for (const agentName of agentNames) {
        const created = await faucetCall({ action: "create_agent", api_key: operatorKey, name: agentName });
        agents.push({ id: Number(created.agent_id), name: agentName, key: String(created.api_key) });
      }
      return { operatorKey, operatorId: Number(registered.operator_id), agents };
    },
    callsOf: (operatorId) => ({ ...faucet.stats(operatorId).calls }),
    async signInCookie(operatorKey) {
      const form = new FormData();
      form.set("operatorKey", operatorKey);
      const outcome = await asRequest({}, () => signIn(null, form));
      if (outcome.kind !== "redirected" || outcome.url !== "/agents")
        throw new Error(`sign-in did not go to /agents: ${JSON.stringify(outcome)}`);
      const seal = setCookieValue(SESSION_COOKIE);
      if (!seal) throw new Error("sign-in set no session cookie");
      return `${SESSION_COOKIE}=${seal}`;
    },
    async close() {
      const store = await opening;
      delete globals[STORE_KEY];
      asFreshProcess();
      await store.close();
      faucet.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
