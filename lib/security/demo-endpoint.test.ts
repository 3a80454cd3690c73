import { describe, expect, it } from "vitest";
import { isJsonContentType } from "@/lib/http";
import { isKeylessCall } from "./demo-endpoint";

describe("demo endpoint rules", () => {
  it("accepts only application/json, refusing what a cross-site form or simple fetch can send", () => {
    expect(isJsonContentType("application/json")).toBe(true);
    expect(isJsonContentType("Application/JSON; charset=utf-8")).toBe(true);
    for (const type of [null, "", "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"]) {
      expect(isJsonContentType(type), String(type)).toBe(false);
    }
  });

  it("counts public actions, junk and key-less calls as keyless, even with a key attached", () => {
    const none = new Headers();
    expect(isKeylessCall(JSON.stringify({ action: "register", name: "x" }), none)).toBe(true);
    expect(isKeylessCall(JSON.stringify({ action: "register", name: "x", api_key: "lf_forged" }), none)).toBe(true);
    expect(isKeylessCall(JSON.stringify({ action: "recover", recovery_code: "X" }), none)).toBe(true);
    expect(isKeylessCall("not json", none)).toBe(true);
    expect(isKeylessCall("[1,2]", none)).toBe(true);
    expect(isKeylessCall(JSON.stringify({ action: "no_such_action", api_key: "lf_x" }), none)).toBe(true);
    expect(isKeylessCall(JSON.stringify({ action: "whoami" }), none)).toBe(true);
  });

  it("counts a keyed action with a key in the body or a header as keyed", () => {
    expect(isKeylessCall(JSON.stringify({ action: "whoami", api_key: "lf_x" }), new Headers())).toBe(false);
    expect(isKeylessCall(JSON.stringify({ action: "whoami" }), new Headers({ authorization: "Bearer lf_x" }))).toBe(false);
    expect(isKeylessCall(JSON.stringify({ action: "create_agent", name: "A" }), new Headers({ "x-api-key": "lf_x" }))).toBe(false);
  });
});
