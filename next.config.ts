import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Lets test runs and benchmarks build side by side without overwriting each other's output.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
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
