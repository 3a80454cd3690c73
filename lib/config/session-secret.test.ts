import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@/lib/config/env";
import { parseSessionSecret, resolveSessionPasswords } from "./session-secret";

describe("session secret", () => {
  it("refuses a 31-character secret with a clear message", () => {
    expect(() => parseSessionSecret("x".repeat(31))).toThrow(ConfigError);
    expect(() => parseSessionSecret("x".repeat(31))).toThrow(/31 characters; it must be at least 32/);
  });

  it("reads a rotation map and checks every secret in it", () => {
    expect(parseSessionSecret(JSON.stringify({ 2: "n".repeat(32), 1: "o".repeat(32) }))).toEqual({
      2: "n".repeat(32),
      1: "o".repeat(32),
    });
    expect(() => parseSessionSecret(JSON.stringify({ 2: "n".repeat(32), 1: "short" }))).toThrow(/id 1/);
    expect(() => parseSessionSecret("{not json")).toThrow(/not valid JSON/);
    expect(() => parseSessionSecret(JSON.stringify({ a: "n".repeat(32) }))).toThrow(/numeric ids/);
  });

  it("requires SESSION_SECRET against a real faucet", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "secret-"));
    expect(() => resolveSessionPasswords({ FAUCET_API_URL: "https://faucet.example/api" }, dir)).toThrow(
      /SESSION_SECRET is required/,
    );
  });

  it("makes one private secret for the embedded faucet and keeps it", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "secret-"));
    const first = resolveSessionPasswords({}, dir);
    expect(resolveSessionPasswords({}, dir)).toEqual(first);
    expect(first["1"]).toBe(readFileSync(path.join(dir, "session-secret"), "utf8"));
    expect(statSync(path.join(dir, "session-secret")).mode & 0o777).toBe(0o600);
  });
});
