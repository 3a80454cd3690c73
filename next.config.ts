import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Lets test runs and benchmarks build side by side without overwriting each other's output.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  reactStrictMode: true,
  // Loaded by Node from node_modules rather than bundled into each server layer: PGlite finds
  // its wasm and data files next to its own module, and rate-limiter-flexible loads its
  // optional back ends lazily. ("pg" is on Next's own list; named here to say the store needs it.)
  serverExternalPackages: ["@electric-sql/pglite", "pg", "rate-limiter-flexible"],
  experimental: {
    serverActions: {
      // Large enough that a pasted 1 MB "key" reaches our validation and gets a clear
      // message, instead of being cut off by the framework with a generic error.
      bodySizeLimit: "2mb",
    },
  },
};

export default nextConfig;
