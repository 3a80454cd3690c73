import "server-only";
import { createEmbeddedTransport } from "./embedded-transport";
import { createFaucetClient, type FaucetClient } from "./faucet-client";
import { env } from "@/lib/config/env";
import { createHttpTransport } from "./http-transport";
import { metrics } from "@/lib/metrics";

export { FaucetError, isFaucetError, type FaucetErrorKind } from "./faucet-error";
export type { AgentBudget, CreatedAgent, FaucetClient, Funding, Sweep } from "./faucet-client";
export type { BudgetStatus, FaucetAgent, Rotation, WhoAmI } from "./schemas";

/** How long one faucet call may take (FAUCET_TIMEOUT_MS). */
export function faucetTimeoutMs(): number {
  return env().faucetTimeoutMs;
}

/** Set FAUCET_API_URL to talk to a real (or stand-alone) faucet; unset means the embedded one. */
export function faucetApiUrl(): string | undefined {
  const { faucet } = env();
  return faucet.kind === "remote" ? faucet.url : undefined;
}

export function isEmbeddedFaucet(): boolean {
  return faucetApiUrl() === undefined;
}

const globalForFaucet = globalThis as { faucetClient?: FaucetClient };

export function getFaucetClient(): FaucetClient {
  if (!globalForFaucet.faucetClient) {
    const url = faucetApiUrl();
    globalForFaucet.faucetClient = createFaucetClient({
      transport: url ? createHttpTransport(url) : createEmbeddedTransport(),
      timeoutMs: faucetTimeoutMs(),
      observe: ({ action, outcome, seconds }) => {
        metrics().faucetCalls.inc({ action, outcome });
        metrics().faucetCallSeconds.observe({ action }, seconds);
      },
    });
  }
  return globalForFaucet.faucetClient;
}
