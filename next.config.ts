import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Lets test runs and benchmarks build side by side without overwriting each other's output.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // PGlite loads its WebAssembly and data files from its own package directory at run time,
  // which a bundled copy cannot find; pg has optional native parts. Both stay plain Node requires.
  serverExternalPackages: ["@electric-sql/pglite", "pg"],
  // Type-checking runs once over the whole project (tests included) with `tsc`, in both
  // `npm run build` and `npm test`; Next's own pass over the same files would only repeat it.
  typescript: { ignoreBuildErrors: true },
  reactStrictMode: true,
  experimental: {
    serverActions: {
      // Large enough that a pasted 1 MB "key" reaches our validation and gets a clear
      // message, instead of being cut off by the framework with a generic error.
      bodySizeLimit: "2mb",
    },
  },
};

export default nextConfig;
