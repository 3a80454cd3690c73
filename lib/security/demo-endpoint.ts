import { createRateLimiter, type RateLimiter } from "./rate-limiter";

/**
 * The rules for the embedded faucet's public HTTP endpoint in demo mode. Anyone who
 * reaches the console reaches it, so calls that need no key (register above all, which
 * writes the state file) are limited per client address. Which calls those are, the
 * emulator says (isKeylessRequest in packages/faucet-emulator).
 */

const globalForDemo = globalThis as { demoKeylessLimiter?: RateLimiter };

export function demoKeylessLimiter(limit: number): RateLimiter {
  globalForDemo.demoKeylessLimiter ??= createRateLimiter({ limit, windowMs: 60_000 });
  return globalForDemo.demoKeylessLimiter;
}
