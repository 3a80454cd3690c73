import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createFaucetEmulator } from "./faucet-emulator";
import { callInProcess, makeTempDir, type Json } from "./test-support";

const WRITER = fileURLToPath(new URL("./fixtures/crash-writer.ts", import.meta.url));

describe("crash safety", () => {
  it("a SIGKILL mid-write loses no acknowledged change, and the stale lock is taken over", async () => {
    const temp = makeTempDir("crash");
    try {
      const child = spawn(process.execPath, ["--import", "tsx", WRITER, temp.dir], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      const acked: number[] = [];
      let buffered = "";
      const exited = new Promise((resolve) => child.on("exit", resolve));
      await new Promise<void>((resolve, reject) => {
        child.on("error", reject);
        child.stdout.on("data", (chunk: Buffer) => {
          buffered += chunk.toString("utf8");
          const lines = buffered.split("\n");
          buffered = lines.pop() ?? "";
          for (const line of lines) {
            const match = /^ack (\d+)$/.exec(line);
            if (match?.[1]) acked.push(Number(match[1]));
          }
          // Let it get well into a stream of writes (each one a few hundred KB) before the kill.
          if (acked.length >= 40) resolve();
        });
        child.on("exit", () => reject(new Error(`writer exited early after ${acked.length} acks`)));
      });
      child.kill("SIGKILL");
      await exited;

      const emulator = createFaucetEmulator({ dataDir: temp.dir });
      try {
        const key = emulator.demoOperatorKey() ?? "";
        const list = await callInProcess(emulator, { action: "list_agents", api_key: key });
        const ids = new Set((list.agents as Json[]).map((agent) => agent.id));
        const lost = acked.filter((id) => !ids.has(id));
        expect(lost).toEqual([]);
      } finally {
        emulator.close();
      }
    } finally {
      temp.cleanup();
    }
  });
});
