import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { STATE_FORMAT, type PersistedState } from "./state";
import { LOCK_FILE, STATE_FILE, DataDirError, openDataDir } from "./data-dir";
import { makeTempDir } from "./test-support";

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()?.();
});

function tempDir(): string {
  const temp = makeTempDir("data-dir");
  cleanups.push(temp.cleanup);
  return temp.dir;
}

function sampleState(balanceSats: number): PersistedState {
  return {
    format: STATE_FORMAT,
    nextOperatorId: 2,
    nextAgentId: 1,
    demoOperatorId: null,
    operators: [
      {
        id: 1,
        name: "Op",
        email: null,
        balanceSats,
        keyHash: "a".repeat(64),
        recoveryHash: "b".repeat(64),
        cooldownUntil: null,
        createdAt: 0,
      },
    ],
    agents: [],
  };
}

describe("data dir persistence", () => {
  it("returns null for a fresh data dir and round-trips a saved state", () => {
    const dir = tempDir();
    const disk = openDataDir(dir);
    expect(disk.load()).toBeNull();
    disk.save(sampleState(42));
    expect(disk.load()).toEqual(sampleState(42));
    expect(statSync(join(dir, STATE_FILE)).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir).filter((name) => name.includes(".tmp-"))).toEqual([]);
    disk.release();
  });

  it("ignores and removes a temp file left over from a write killed before its rename", () => {
    const dir = tempDir();
    const first = openDataDir(dir);
    first.save(sampleState(100));
    first.release();
    // What a process killed mid-write leaves: a half-written temp file beside the real state.
    writeFileSync(join(dir, `${STATE_FILE}.tmp-99999`), '{"format":"lightning-faucet-emul');

    const second = openDataDir(dir);
    expect(second.load()).toEqual(sampleState(100));
    expect(existsSync(join(dir, `${STATE_FILE}.tmp-99999`))).toBe(false);
    second.release();
  });

  it("refuses to load a corrupt state file instead of wiping it", () => {
    const dir = tempDir();
    writeFileSync(join(dir, STATE_FILE), "{not json");
    const disk = openDataDir(dir);
    expect(() => disk.load()).toThrow(/corrupt.*Refusing to start/);
    expect(readFileSync(join(dir, STATE_FILE), "utf8")).toBe("{not json");
    disk.release();
  });

  it("treats well-formed JSON of the wrong shape as corrupt", () => {
    const dir = tempDir();
    writeFileSync(join(dir, STATE_FILE), JSON.stringify({ ...sampleState(1), operators: [{ id: "x" }] }));
    const disk = openDataDir(dir);
    expect(() => disk.load()).toThrow(DataDirError);
    disk.release();
  });
});

describe("data dir lock", () => {
  it("refuses a second opener while the first holds the lock, and allows it after release", () => {
    const dir = tempDir();
    const first = openDataDir(dir);
    expect(() => openDataDir(dir)).toThrow(/in use by this process/);
    first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    openDataDir(dir).release();
  });

  it("takes over a stale lock whose process is dead", async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ["-e", "0"]);
    const deadPid = child.pid;
    await new Promise((resolve) => child.on("exit", resolve));
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid }));
    const disk = openDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), "utf8"))).toEqual({ pid: process.pid });
    disk.release();
  });

  it("takes over an unreadable lock file", () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), "garbage");
    openDataDir(dir).release();
  });

  it("refuses a lock held by another live process, and leaves it in place", async () => {
    const dir = tempDir();
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 30000)"]);
    try {
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: child.pid }));
      expect(() => openDataDir(dir)).toThrow(new RegExp(`in use by process ${child.pid}`));
      expect(existsSync(join(dir, LOCK_FILE))).toBe(true);
    } finally {
      child.kill();
    }
  });

  it("creates a missing data dir", () => {
    const dir = join(tempDir(), "nested", "deeper");
    mkdirSync(join(dir, ".."), { recursive: true });
    openDataDir(dir).release();
    expect(existsSync(dir)).toBe(true);
  });
});
