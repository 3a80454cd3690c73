// Kept only for lib/emulator until it moves to packages/faucet-emulator with its own options (issue 17 item 4).
export { ConfigError } from "./env";
