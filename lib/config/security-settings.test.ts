import { describe, expect, it } from "vitest";
import { clientAddressOf } from "@/lib/security/origin";
import { readSecuritySettings } from "./security-settings";

const env = (values: Record<string, string>) => values as NodeJS.ProcessEnv;

describe("security settings", () => {
  it("ignores X-Forwarded-For by default: a client without a proxy cannot choose its address", () => {
    const { trustedProxyHops } = readSecuritySettings(env({}));
    expect(trustedProxyHops).toBe(0);
    const addresses = ["1.1.1.1", "2.2.2.2", "3.3.3.3, 4.4.4.4"].map((forwarded) => clientAddressOf(new Headers({ "x-forwarded-for": forwarded }), trustedProxyHops));
    expect(new Set(addresses)).toEqual(new Set(["direct"]));
    expect(clientAddressOf(new Headers({ "x-forwarded-for": "1.1.1.1, 203.0.113.9" }), 1)).toBe("203.0.113.9");
  });

  it("has sane defaults", () => {
    expect(readSecuritySettings(env({}))).toEqual({
      trustedProxyHops: 0,
      consoleOrigin: null,
      signInsPerClient: 10,
      signInsPerInstance: 100,
      rotationsPerOperator: 20,
      bulkCallsPerOperator: 6000,
      agentChangesPerOperator: 60,
      demoKeylessCallsPerClient: 20,
      demoMaxOperators: 1000,
      demoMaxAgentsPerOperator: 1000,
    });
  });

  it("stops start-up on a bad number, naming the variable", () => {
    expect(() => readSecuritySettings(env({ TRUSTED_PROXY_HOPS: "one" }))).toThrow(/TRUSTED_PROXY_HOPS must be a whole number from 0 to 10; got "one"/);
    expect(() => readSecuritySettings(env({ RATE_LIMIT_SIGN_INS_GLOBAL: "0" }))).toThrow(/RATE_LIMIT_SIGN_INS_GLOBAL/);
    expect(() => readSecuritySettings(env({ FAUCET_DEMO_MAX_OPERATORS: "1e3x" }))).toThrow(/FAUCET_DEMO_MAX_OPERATORS/);
  });
});
