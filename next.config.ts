import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Lets test runs and benchmarks build side by side without overwriting each other's output.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // A deployable server in <distDir>/standalone (README "Deploying"): server.js and only the files it needs.
  // `next start` still serves the same build (Next 16 prints a warning that it prefers server.js).
  output: "standalone",
  // Read at run time from <cwd>/lib/store/migrations (lib/store/migrate.ts), which no import names.
  outputFileTracingIncludes: { "/*": ["./lib/store/migrations/**/*"], "/**": ["./lib/store/migrations/**/*"] },
  reactStrictMode: true,
  // The faucet emulator is a workspace package that ships TypeScript source.
  transpilePackages: ["faucet-emulator"],
  // Loaded by Node from node_modules rather than bundled into each server layer: PGlite finds
  // its wasm and data files next to its own module, and rate-limiter-flexible loads its
  // optional back ends lazily. ("pg" is on Next's own list; named here to say the store needs it.)
  // prom-client and pino: one copy per process (the metrics registry is a process-wide singleton).
  // pg-boss: the rotation policy worker, one per process (lib/policies/policy-worker.ts), over "pg".
  serverExternalPackages: ["@electric-sql/pglite", "pg", "rate-limiter-flexible", "prom-client", "pino", "pg-boss"],
  experimental: {
    serverActions: {
      // ACTION_BODY_MAX_BYTES (lib/security/body-limits.ts): twice the largest real action.
      // proxy.ts refuses a larger one first with a typed 413; this is the framework's backstop.
      bodySizeLimit: "16kb",
    },
  },
};

export default nextConfig;
