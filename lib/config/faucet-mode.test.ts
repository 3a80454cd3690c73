import { describe, expect, it } from "vitest";
import { checkFaucetMode, checkFaucetUrl, faucetMode } from "./faucet-mode";

const env = (values: Record<string, string>) => values as NodeJS.ProcessEnv;

describe("faucet mode", () => {
  it("keeps demo mode on in development with no configuration", () => {
    expect(faucetMode(env({ NODE_ENV: "development" }))).toEqual({ kind: "demo" });
  });

  it("turns demo mode off in production unless FAUCET_DEMO=1", () => {
    expect(faucetMode(env({ NODE_ENV: "production" }))).toEqual({ kind: "none" });
    expect(faucetMode(env({ NODE_ENV: "production", FAUCET_DEMO: "yes" }))).toEqual({ kind: "none" });
    expect(faucetMode(env({ NODE_ENV: "production", FAUCET_DEMO: "1" }))).toEqual({ kind: "demo" });
  });

  it("refuses to start a production console with no faucet, saying what to set", () => {
    expect(() => checkFaucetMode(env({ NODE_ENV: "production" }))).toThrow(/no faucet configured.*FAUCET_API_URL.*FAUCET_DEMO=1/);
  });

  it("never offers demo mode when a faucet URL is set", () => {
    expect(faucetMode(env({ NODE_ENV: "development", FAUCET_DEMO: "1", FAUCET_API_URL: "https://f.example/api" }))).toEqual({ kind: "remote", url: "https://f.example/api" });
  });
});

describe("FAUCET_API_URL", () => {
  it("accepts https anywhere and plain http only on loopback", () => {
    for (const url of ["https://lightningfaucet.com/ai-agents/api", "http://127.0.0.1:4010/ai-agents/api", "http://127.3.2.1/api", "http://localhost:4010/api", "http://[::1]:4010/api"]) {
      expect(() => checkFaucetUrl(url), url).not.toThrow();
    }
  });

  it("refuses plain http to any other host with a clear message", () => {
    for (const url of ["http://lightningfaucet.com/ai-agents/api", "http://10.0.0.5/api", "http://127.0.0.1.evil.example/api", "http://localhost.evil.example/api"]) {
      expect(() => checkFaucetUrl(url), url).toThrow(/FAUCET_API_URL must use https:\/\/.*loopback/);
    }
  });

  it("refuses what is not an http(s) URL", () => {
    for (const url of ["ftp://127.0.0.1/api", "lightningfaucet.com/api", "javascript:alert(1)"]) {
      expect(() => checkFaucetUrl(url), url).toThrow(/FAUCET_API_URL must be an https:\/\/ URL/);
    }
  });
});
