import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { checkConfiguration } from "./check-configuration";
import { ConfigError } from "./config-error";
import { ensurePrivateDir } from "./data-dir";

const root = mkdtempSync("/tmp/faucet-console-data-dir-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("ensurePrivateDir", () => {
  it("creates a data dir under a missing parent, owner-only", () => {
    const dir = path.join(root, "missing", "parent", ".data");
    ensurePrivateDir(dir);
    expect(statSync(dir).isDirectory()).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("tightens an existing directory that others can read", () => {
    const dir = path.join(root, "loose");
    mkdirSync(dir, { mode: 0o755 });
    ensurePrivateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it("refuses a directory it cannot create, naming it and CONSOLE_DATA_DIR", () => {
    // Under a regular file: fails for root too, unlike a permission.
    const file = path.join(root, "a-file");
    writeFileSync(file, "");
    const dir = path.join(file, ".data");
    expect(() => ensurePrivateDir(dir)).toThrow(ConfigError);
    expect(() => ensurePrivateDir(dir)).toThrow(`the data directory ${dir} cannot be created as a private, writable directory (ENOTDIR)`);
    expect(() => ensurePrivateDir(dir)).toThrow("CONSOLE_DATA_DIR");
  });
});

describe("start-up with a data dir it cannot create", () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
    vi.restoreAllMocks();
  });

  for (const [name, env] of [
    ["the generated session secret's", {}],
    ["the embedded store's (SESSION_SECRET set)", { SESSION_SECRET: "s".repeat(48) }],
  ] as const) {
    it(`stops with one line naming the directory: ${name}`, () => {
      const file = path.join(root, `file-${name.length}`);
      writeFileSync(file, "");
      const dir = path.join(file, "data");
      process.env = { ...saved, ...env, CONSOLE_DATA_DIR: dir, FAUCET_API_URL: "", DATABASE_URL: "" };
      const exit = vi.spyOn(process, "exit").mockImplementation((() => {
        throw new Error("exited");
      }) as never);
      const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
      vi.spyOn(console, "info").mockImplementation(() => undefined);
      expect(() => checkConfiguration()).toThrow("exited");
      expect(exit).toHaveBeenCalledWith(1);
      expect(error).toHaveBeenCalledTimes(1);
      const message = String(error.mock.calls[0]?.[0]).trim();
      expect(message.split("\n")).toHaveLength(1);
      expect(message).toMatch(/^Faucet Console cannot start: the data directory .* cannot be created/);
      expect(message).toContain(dir);
      expect(message).toContain("CONSOLE_DATA_DIR");
    });
  }
});
