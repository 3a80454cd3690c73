import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { name: "faucet-emulator", environment: "node", include: ["src/**/*.test.ts"], testTimeout: 20_000 },
});
