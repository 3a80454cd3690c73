import { describe, expect, it } from "vitest";
import { forwardedClient, originMatchesHost, requestHost } from "./origin";

describe("origin helpers", () => {
  it("takes the client's host from a chained X-Forwarded-Host", () => {
    expect(requestHost(new Headers({ host: "internal:3000", "x-forwarded-host": "console.example, lb.internal" }))).toBe("console.example");
    expect(requestHost(new Headers({ host: "127.0.0.1:3000" }))).toBe("127.0.0.1:3000");
  });

  it("matches an Origin to the host, refusing missing and malformed ones", () => {
    expect(originMatchesHost("https://console.example", "console.example")).toBe(true);
    expect(originMatchesHost("https://evil.example", "console.example")).toBe(false);
    expect(originMatchesHost(null, "console.example")).toBe(false);
    expect(originMatchesHost("null", "console.example")).toBe(false);
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
