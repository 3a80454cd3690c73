import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Lets test runs and benchmarks build side by side without overwriting each other's output.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // Loaded by Node from node_modules rather than bundled into each server layer: PGlite finds
  // its wasm and data files next to its own module, and rate-limiter-flexible loads its
  // optional back ends lazily. ("pg" is on Next's own list; named here to say the store needs it.)
  // prom-client and pino: one copy per process (the metrics registry is a process-wide singleton).
  serverExternalPackages: ["@electric-sql/pglite", "pg", "rate-limiter-flexible", "prom-client", "pino"],
  experimental: {
    serverActions: {
      // ACTION_BODY_MAX_BYTES (lib/security/body-limits.ts): twice the largest real action.
      // proxy.ts refuses a larger one first with a typed 413; this is the framework's backstop.
      bodySizeLimit: "16kb",
    },
  },
};

export default nextConfig;
