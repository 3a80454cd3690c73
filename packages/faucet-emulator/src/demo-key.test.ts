import { afterEach, describe, expect, it, vi } from "vitest";
import { createFaucetEmulator } from "./faucet-emulator";
import { makeTempDir } from "./test-support";

// Its own file: the "printed once" flag is per process, and no other test file prints.
describe("demo key start-up line", () => {
  afterEach(() => vi.restoreAllMocks());

  it("prints one line with the demo operator key, once per process", () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const first = makeTempDir("demo-a");
    const second = makeTempDir("demo-b");
    try {
      const a = createFaucetEmulator({ dataDir: first.dir, printDemoKey: true });
      const b = createFaucetEmulator({ dataDir: second.dir, printDemoKey: true });
      expect(log).toHaveBeenCalledTimes(1);
      expect(log).toHaveBeenCalledWith(`Demo operator key: ${a.demoOperatorKey()}`);
      a.close();
      b.close();
    } finally {
      first.cleanup();
      second.cleanup();
    }
  });
});
