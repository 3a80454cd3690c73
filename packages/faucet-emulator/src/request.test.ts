import { describe, expect, it } from "vitest";
import { isKeylessRequest } from "./request";

const keyless = (body: unknown, headers: Record<string, string> = {}) =>
  isKeylessRequest({ bodyText: typeof body === "string" ? body : JSON.stringify(body), headers });

describe("keyless calls", () => {
  it("counts public actions, junk and key-less calls as keyless, even with a key attached", () => {
    expect(keyless({ action: "register", name: "x" })).toBe(true);
    expect(keyless({ action: "register", name: "x", api_key: "lf_forged" })).toBe(true);
    expect(keyless({ action: "recover", recovery_code: "X" })).toBe(true);
    expect(keyless({ action: "get_info", api_key: "lf_x" })).toBe(true);
    expect(keyless("not json")).toBe(true);
    expect(keyless("[1,2]")).toBe(true);
    expect(keyless({ action: "no_such_action", api_key: "lf_x" })).toBe(true);
    expect(keyless({ action: "whoami" })).toBe(true);
    expect(keyless({ action: "whoami", api_key: "   " })).toBe(true);
    expect(keyless({ action: "whoami" }, { authorization: "not a bearer key" })).toBe(true);
  });

  it("counts a keyed action with a key in the body or a header as keyed", () => {
    expect(keyless({ action: "whoami", api_key: "lf_x" })).toBe(false);
    expect(keyless({ action: "whoami" }, { authorization: "Bearer lf_x" })).toBe(false);
    expect(keyless({ action: "whoami" }, { Authorization: "Bearer lf_x" })).toBe(false);
    expect(keyless({ action: "create_agent", name: "A" }, { "x-api-key": "lf_x" })).toBe(false);
  });
});
