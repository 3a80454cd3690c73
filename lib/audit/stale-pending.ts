import "server-only";
import { faucetTimeoutMs } from "@/lib/faucet";

/** Beyond the faucet's own timeout, the time an instance may take to record what it heard. */
const RECORDING_GRACE_MS = 5_000;

/**
 * Before this moment (epoch ms), a pending event can no longer be waiting for its faucet
 * call: its console died or lost the store mid-call, so lists show it as "unknown".
 */
export function pendingStaleBefore(now: number): number {
  return now - faucetTimeoutMs() - RECORDING_GRACE_MS;
}
