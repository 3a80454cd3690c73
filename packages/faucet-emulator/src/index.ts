/**
 * The faucet emulator's public API: what the console (its embedded transport and its
 * `/ai-agents/api` route) and its tests use. The stand-alone server is the `faucet` bin.
 */
export { createFaucetEmulator } from "./faucet-emulator";
export type { EmulatorReply, EmulatorRequest, FaucetEmulator, FaucetEmulatorOptions, Faults } from "./faucet-emulator";
export { isKeylessRequest } from "./request";
export type { SeededFaucetOperator } from "./seed";
