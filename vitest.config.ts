import { readdirSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The store's tests need a real PostgreSQL; only they pay for starting one. */
const STORE_TESTS = [
  "lib/store/**/*.test.ts",
  "lib/audit/verify-audit-chains.test.ts",
  "lib/audit/record-audit-event.test.ts",
  "lib/security/store-rate-limiter.test.ts",
  "lib/keys/rotation-attempts.test.ts",
  "lib/session/session-records.test.ts",
  "lib/changes/run-change.store.test.ts",
  "lib/hosts/hosts.store.test.ts",
  "lib/ops/health.test.ts",
  "lib/handoff/handoffs.store.test.ts",
  "lib/policies/*.store.test.ts",
];

const UNIT_TESTS = [
  "lib/**/*.test.ts",
  "scripts/**/*.test.ts",
  "components/**/*.test.ts",
  "app/**/*.test.ts",
  "e2e/support/*.test.ts",
];

/**
 * Unit files that replace a module with vi.mock: in a module graph shared with other files the
 * replacement would come too late for them, or leak into the next file. They keep their own.
 */
const UNIT_OWN_MODULES = ["lib", "scripts", "components", "app", "e2e/support"]
  .flatMap((folder) =>
    readdirSync(folder, { recursive: true, encoding: "utf8" }).map((file) => path.join(folder, file)),
  )
  .filter((file) => file.endsWith(".test.ts") && readFileSync(file, "utf8").includes("vi.mock("));

/**
 * In-process files whose modules must be their own: they set the environment before importing the
 * console (NODE_ENV=production for the production cookie name), which a shared module graph has
 * read already.
 */
const IN_PROCESS_OWN_MODULES = ["in-process/cookie-capacity.test.ts"];

export default defineConfig({
  resolve: {
    alias: {
      "@": fileURLToPath(new URL(".", import.meta.url)),
      // "server-only" throws outside a React Server environment; unit tests run the server code
      // directly, so they get the empty module the package itself gives React Server Components.
      "server-only": fileURLToPath(new URL("./node_modules/server-only/empty.js", import.meta.url)),
    },
  },
  test: {
    environment: "node",
    testTimeout: 20_000,
    // vitest's default is one worker fewer than the cores: on a 2-core machine one, running every
    // file in turn. Much of the test time is waiting (PostgreSQL, files, timers), so use every core.
    maxWorkers: Math.max(2, availableParallelism()),
    // Worker threads, not child processes: each of the ~80 files starts its worker and imports its
    // modules faster (the whole run about 15% quicker on 2 cores); no test needs a process of its own.
    pool: "threads",
    projects: [
      // Workspace packages bring their own vitest.config.ts (packages/faucet-emulator: the emulator's tests).
      "packages/*",
      {
        extends: true,
        test: {
          name: "unit",
          include: UNIT_TESTS,
          exclude: [...STORE_TESTS, ...UNIT_OWN_MODULES],
          // One module graph per worker, not one per file: these files import and mock nothing of their
          // own, and reimporting the console's modules for each was half the project's time (16 s → 8 s).
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "unit (own modules)",
          include: UNIT_OWN_MODULES,
          exclude: STORE_TESTS,
        },
      },
      {
        extends: true,
        test: {
          name: "store",
          include: STORE_TESTS,
          globalSetup: ["e2e/support/store-postgres-setup.ts"],
          // A new PGlite database takes ~3 s to create, several times that on a busy machine.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        // The console's actions, routes and pages called in-process (the fuzz properties: 1,000 inputs each),
        // on an in-memory PGlite store (in-process/support/in-process-console.ts).
        // initdb and the migrations run once for the project (store-template-setup.ts), not once per file.
        test: {
          name: "in-process",
          include: ["in-process/**/*.test.ts"],
          exclude: IN_PROCESS_OWN_MODULES,
          // One module graph per worker instead of one per file: the console's modules, PGlite's wasm and
          // the code V8 optimised for them are loaded once. Each file's console starts as a fresh process
          // would (startInProcessConsole). The project ran in 86 s with isolation on, 63 s with it off.
          isolate: false,
          globalSetup: ["in-process/support/store-template-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: "in-process (own modules)",
          include: IN_PROCESS_OWN_MODULES,
          globalSetup: ["in-process/support/store-template-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
