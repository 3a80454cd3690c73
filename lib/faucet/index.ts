import "server-only";
import { envInteger } from "@/lib/config/env-number";
import { createEmbeddedTransport } from "./embedded-transport";
import { createFaucetClient, DEFAULT_TIMEOUT_MS, type FaucetClient } from "./faucet-client";
import { createHttpTransport } from "./http-transport";

export { FaucetError, isFaucetError, type FaucetErrorKind } from "./faucet-error";
export type { AgentBudget, CreatedAgent, FaucetClient, Funding, Sweep } from "./faucet-client";
export type { BudgetStatus, FaucetAgent, Rotation, WhoAmI } from "./schemas";

/** Set FAUCET_API_URL to talk to a real (or stand-alone) faucet; unset means the embedded one. */
export function faucetApiUrl(): string | undefined {
  const url = process.env.FAUCET_API_URL?.trim();
  return url ? url : undefined;
}

export function isEmbeddedFaucet(): boolean {
  return faucetApiUrl() === undefined;
}

/** How long one faucet call may take (FAUCET_TIMEOUT_MS). */
export function faucetTimeoutMs(): number {
  return timeoutFromEnv();
}

function timeoutFromEnv(): number {
  return envInteger("FAUCET_TIMEOUT_MS", { fallback: DEFAULT_TIMEOUT_MS, min: 1 });
}

const globalForFaucet = globalThis as { faucetClient?: FaucetClient };

export function getFaucetClient(): FaucetClient {
  if (!globalForFaucet.faucetClient) {
    const url = faucetApiUrl();
    globalForFaucet.faucetClient = createFaucetClient({
      transport: url ? createHttpTransport(url) : createEmbeddedTransport(),
      timeoutMs: timeoutFromEnv(),
    });
  }
  return globalForFaucet.faucetClient;
}
