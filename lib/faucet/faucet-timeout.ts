import { envInteger } from "@/lib/config/env-number";
import { DEFAULT_TIMEOUT_MS } from "./faucet-client";

/** How long one faucet call may take (FAUCET_TIMEOUT_MS). Plain config, so start-up checks it too. */
export function faucetTimeoutMs(): number {
  return envInteger("FAUCET_TIMEOUT_MS", { fallback: DEFAULT_TIMEOUT_MS, min: 1 });
}
