import { envInteger } from "./env-number";

/**
 * The servers an e2e run starts, on loopback only. Ports come from E2E_PORT_BASE so two
 * runs (or a run and a benchmark) can share a machine.
 */
// Up to base + 20 is used below, and base + 30 to base + 39 by e2e/documented-paths.spec.ts.
const base = envInteger("E2E_PORT_BASE", { fallback: 3100, min: 1024, max: 65_525 });

export const SERVERS = {
  /** The console on its embedded faucet, as `npm run dev` runs it. */
  embedded: { port: base, url: `http://127.0.0.1:${base}` },
  /** The console on the stand-alone faucet below (FAUCET_API_URL), instance A. */
  remoteA: { port: base + 1, url: `http://127.0.0.1:${base + 1}` },
  /** A second console instance with the same secrets, for the load-balancer test. */
  remoteB: { port: base + 2, url: `http://127.0.0.1:${base + 2}` },
  /** The throwaway PostgreSQL that consoles A and B share (their store). */
  postgres: { port: base + 20, url: `postgres://postgres@127.0.0.1:${base + 20}/postgres` },
  /** The stand-alone faucet with test controls (fault injection, call counts). */
  faucet: { port: base + 10, url: `http://127.0.0.1:${base + 10}` },
} as const;

/** e2e/documented-paths.spec.ts: consoles and a faucet started as the README says, from checkout copies. */
export const DOCUMENTED_PATHS_PORTS = {
  faucet: base + 30,
  dev: base + 31,
  remote: base + 32,
  demo: base + 33,
  postgresConsole: base + 34,
  devRemote: base + 35,
  postgres: base + 36,
  standalone: base + 37,
  /** The `npm run dev` paths' own stand-alone faucet: they run beside the others, in another worker. */
  devFaucet: base + 38,
} as const;

export const FAUCET_API = `${SERVERS.faucet.url}/ai-agents/api`;

/** Shared by both remote instances: what several instances behind a load balancer need. */
export const SHARED_SECRETS = {
  SESSION_SECRET: "e2e-session-secret-0123456789-abcdefghijklmnop",
  NEXT_SERVER_ACTIONS_ENCRYPTION_KEY: "3q2+7w8zVd6Rk2d3Yp1mQm3y6Z0uNw9kQm1nZ1o2Z3Q=",
};

/** Generous limits for consoles the tests share: limits are counted in the store, across tests. */
export const GENEROUS_LIMITS = {
  RATE_LIMIT_SIGN_INS: "1000",
  RATE_LIMIT_SIGN_INS_GLOBAL: "10000",
  RATE_LIMIT_ROTATIONS: "1000",
  RATE_LIMIT_BULK_CALLS: "100000",
  RATE_LIMIT_AGENT_CHANGES: "1000",
  FAUCET_DEMO_KEYLESS_CALLS: "100000",
  RATE_LIMIT_HANDOFFS: "100000",
};

/**
 * `next start`'s flag for the test consoles: idle kept-alive connections stay open 10 minutes.
 * Node's 5 s default races the tests' pooled request contexts, which keep sockets longer: a
 * request sent as the server closes its socket fails with ECONNRESET (seen on a whoami after an
 * idle gap). The stand-alone faucet does the same (KEEP_ALIVE_TIMEOUT_MS).
 */
export const TEST_KEEP_ALIVE_ARGS = ["--keepAliveTimeout", "600000"] as const;
