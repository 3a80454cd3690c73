import { describe, expect, it } from "vitest";
import { loadEnv } from "@/lib/config/env";

const readConsoleOrigin = (source: Record<string, string>) => loadEnv(source).security.consoleOrigin;
import { forwardedClient, isOwnOrigin, originMatchesHost, requestHost } from "./origin";

describe("origin helpers", () => {
  it("takes the client's host from a chained X-Forwarded-Host only when proxies are declared", () => {
    const proxied = new Headers({ host: "internal:3000", "x-forwarded-host": "console.example, lb.internal" });
    expect(requestHost(proxied, 1)).toBe("console.example");
    expect(requestHost(proxied, 0)).toBe("internal:3000");
    expect(requestHost(new Headers({ host: "127.0.0.1:3000" }), 0)).toBe("127.0.0.1:3000");
    expect(requestHost(new Headers({ host: "127.0.0.1:3000" }), 2)).toBe("127.0.0.1:3000");
  });

  it("matches an Origin to the host, refusing missing and malformed ones", () => {
    expect(originMatchesHost("https://console.example", "console.example")).toBe(true);
    expect(originMatchesHost("https://evil.example", "console.example")).toBe(false);
    expect(originMatchesHost(null, "console.example")).toBe(false);
    expect(originMatchesHost("null", "console.example")).toBe(false);
  });

  it("with no proxy declared, ignores a forged X-Forwarded-Host that names the attacker's origin", () => {
    // A page on evil.example posting straight to the console, with a header naming its own host.
    const forged = new Headers({ host: "console.example", "x-forwarded-host": "evil.example" });
    const settings = { trustedProxyHops: 0, consoleOrigin: null };
    expect(isOwnOrigin("https://evil.example", forged, settings)).toBe(false);
    expect(isOwnOrigin("https://console.example", forged, settings)).toBe(true);
    // Declared proxies are trusted to have written the header.
    expect(isOwnOrigin("https://evil.example", forged, { ...settings, trustedProxyHops: 1 })).toBe(true);
  });

  it("with CONSOLE_ORIGIN set, accepts exactly that origin whatever Host and X-Forwarded-Host say", () => {
    const settings = { trustedProxyHops: 1, consoleOrigin: "https://console.example" };
    const forged = new Headers({ host: "evil.example", "x-forwarded-host": "evil.example" });
    expect(isOwnOrigin("https://evil.example", forged, settings)).toBe(false);
    expect(isOwnOrigin("https://console.example", forged, settings)).toBe(true);
    expect(isOwnOrigin("http://console.example", forged, settings)).toBe(false);
    expect(isOwnOrigin("https://console.example:8443", forged, settings)).toBe(false);
    expect(isOwnOrigin(null, forged, settings)).toBe(false);
  });

  it("validates CONSOLE_ORIGIN at start-up: an origin only, never a path, query or credentials", () => {
    expect(readConsoleOrigin({})).toBeNull();
    expect(readConsoleOrigin({ CONSOLE_ORIGIN: " " })).toBeNull();
    expect(readConsoleOrigin({ CONSOLE_ORIGIN: "https://Console.Example/" })).toBe("https://console.example");
    expect(readConsoleOrigin({ CONSOLE_ORIGIN: "http://127.0.0.1:3000" })).toBe("http://127.0.0.1:3000");
    for (const bad of [
      "console.example",
      "https://console.example/app",
      "https://console.example/?x=1",
      "https://user:pw@console.example",
      "ftp://console.example",
      "https://console.example#x",
    ]) {
      expect(() => readConsoleOrigin({ CONSOLE_ORIGIN: bad }), bad).toThrow(/^CONSOLE_ORIGIN must be an origin/);
    }
    expect(() => readConsoleOrigin({ CONSOLE_ORIGIN: "https://user:pw@console.example" })).toThrow(/^(?!.*pw)/);
  });

  it("trusts X-Forwarded-For only as far as the trusted proxies wrote it", () => {
    // The client forged "1.1.1.1"; the proxy appended the address it saw.
    expect(forwardedClient("1.1.1.1, 203.0.113.9", 1)).toBe("203.0.113.9");
    expect(forwardedClient("203.0.113.9, 10.0.0.2", 2)).toBe("203.0.113.9");
    expect(forwardedClient("203.0.113.9", 3)).toBe("203.0.113.9");
    expect(forwardedClient("203.0.113.9", 0)).toBeNull();
    expect(forwardedClient(null, 1)).toBeNull();
  });
});
