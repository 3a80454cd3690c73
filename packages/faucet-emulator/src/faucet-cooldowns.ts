/**
 * The faucet's withdrawal cooldowns after a key rotation (faucet-api.md §4). The console
 * has its own copy in lib/keys/cooldowns.ts on purpose: this emulator stands in for an
 * outside service and imports nothing of the console's domain.
 */
export const FAUCET_OPERATOR_COOLDOWN_MS = 60 * 60_000;
export const FAUCET_AGENT_COOLDOWN_MS = 30 * 60_000;
