import { describe, expect, it } from "vitest";
import { isJsonContentType } from "@/lib/http";

describe("demo endpoint rules", () => {
  it("accepts only application/json, refusing what a cross-site form or simple fetch can send", () => {
    expect(isJsonContentType("application/json")).toBe(true);
    expect(isJsonContentType("Application/JSON; charset=utf-8")).toBe(true);
    for (const type of [
      null,
      "",
      "text/plain",
      "text/plain;charset=UTF-8",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "application/jsonx",
    ]) {
      expect(isJsonContentType(type), String(type)).toBe(false);
    }
  });

  // Which calls count as keyless: packages/faucet-emulator/src/request.test.ts.
});
