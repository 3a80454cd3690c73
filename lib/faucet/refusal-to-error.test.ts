import { describe, expect, it } from "vitest";
import { refusalToError } from "./refusal-to-error";

describe("refusalToError", () => {
  it("reads an error_code named like Object.prototype's members as unknown, falling back to the wording", () => {
    for (const code of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
      const error = refusalToError({ success: false, error_code: code, error: "API key not recognised." } as Parameters<typeof refusalToError>[0], 0);
      expect(error.kind, code).toBe("invalid_key");
    }
  });
});
