import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddressOf } from "./origin";
import { installPeerAddressHeader, peerHeaderName, stampPeerAddress } from "./peer-address";

describe("the TCP peer address", () => {
  it("deletes every incoming header named like the private one before setting the real peer", () => {
    const request = {
      headers: {
        "x-console-peer-0123": "6.6.6.6",
        "x-console-peer-abcd": "7.7.7.7",
        host: "h",
      } as http.IncomingHttpHeaders,
      socket: { remoteAddress: "127.0.0.2" },
    };
    stampPeerAddress(request as unknown as http.IncomingMessage, "x-console-peer-abcd");
    expect(request.headers).toEqual({ host: "h", "x-console-peer-abcd": "127.0.0.2" });
  });

  describe("through a real HTTP server", () => {
    let server: http.Server;
    let port = 0;
    const seen: string[] = [];
    beforeAll(async () => {
      expect(installPeerAddressHeader()).toBe(true);
      // Created after installing, like Next's server is created before: both go through the wrapped emit.
      server = http.createServer((request, response) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(request.headers))
          if (typeof value === "string") headers.set(name, value);
        seen.push(clientAddressOf(headers, 0));
        response.end();
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      port = (server.address() as AddressInfo).port;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const get = (localAddress: string, headers: Record<string, string>) =>
      new Promise<void>((resolve, reject) => {
        const request = http.request({ host: "127.0.0.1", port, localAddress, headers, agent: false }, (response) => {
          response.resume();
          response.on("end", resolve);
        });
        request.on("error", reject);
        request.end();
      });

    it("is the socket's address, which no header a client sends can change", async () => {
      const name = peerHeaderName() ?? "";
      expect(name).toMatch(/^x-console-peer-[0-9a-f]{24}$/);
      await get("127.0.0.1", {});
      await get("127.0.0.2", {});
      // A client that knows (or guesses) the header's name and forges X-Forwarded-For too.
      await get("127.0.0.3", {
        [name]: "203.0.113.7",
        "x-forwarded-for": "203.0.113.8",
        "x-console-peer-0": "203.0.113.9",
      });
      expect(seen).toEqual(["127.0.0.1", "127.0.0.2", "127.0.0.3"]);
    });
  });
});
