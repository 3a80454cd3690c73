import { describe, expect, it } from "vitest";
import { checkFaucetMode, checkFaucetUrl, describeFaucetMode, faucetMode, printableFaucetUrl } from "./faucet-mode";

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

describe("printing FAUCET_API_URL", () => {
  const secretUrl = "https://user:pa55word@faucet.example:8443/ai-agents/api?token=s3cret#frag";

  it("prints origin and path only: no credentials, query or fragment", () => {
    expect(printableFaucetUrl(secretUrl)).toBe("https://faucet.example:8443/ai-agents/api");
    expect(describeFaucetMode({ kind: "remote", url: secretUrl })).toBe("faucet at https://faucet.example:8443/ai-agents/api");
  });

  it("never echoes a value it cannot parse", () => {
    expect(printableFaucetUrl("lf_0123456789abcdef not a url")).toBe("(not a URL)");
    expect(printableFaucetUrl("javascript:lf_0123456789abcdef")).toBe("(not an http(s) URL)");
  });

  it("keeps secrets out of start-up's refusals too", () => {
    for (const url of ["http://user:pa55word@faucet.example/api?token=s3cret", "ftp://user:pa55word@127.0.0.1/api?token=s3cret", "user:pa55word s3cret"]) {
      const refusal = (() => {
        try {
          checkFaucetUrl(url);
          return "";
        } catch (error) {
          return (error as Error).message;
        }
      })();
      expect(refusal, url).toMatch(/^FAUCET_API_URL must/);
      expect(refusal, url).not.toMatch(/pa55word|s3cret|user/);
    }
  });
});
