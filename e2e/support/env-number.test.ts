import { describe, expect, it } from "vitest";
import { ConfigError } from "../../lib/config/env";
import { envInteger } from "./env-number";

describe("envInteger", () => {
  const read = (raw: string | undefined, options = { fallback: 7, min: 1, max: 100 }) =>
    envInteger("SOME_NUMBER", options, { SOME_NUMBER: raw });

  it.each([undefined, "", "   "])("gives the fallback for %j (unset or empty)", (raw) => {
    expect(read(raw)).toBe(7);
  });

  it.each([
    ["1", 1],
    ["100", 100],
    [" 42 ", 42],
  ])("reads %j as %i", (raw, value) => {
    expect(read(raw)).toBe(value);
  });

  it.each(["2O", "1.5", "abc", "0", "101", "-3", "Infinity", "NaN"])(
    "refuses %j with a message naming the variable, the range and the value",
    (raw) => {
      expect(() => read(raw)).toThrow(ConfigError);
      expect(() => read(raw)).toThrow(`SOME_NUMBER must be a whole number from 1 to 100; got "${raw}".`);
    },
  );

  it("defaults to 0 and above", () => {
    expect(envInteger("N", { fallback: 5 }, { N: "0" })).toBe(0);
    expect(() => envInteger("N", { fallback: 5 }, { N: "-1" })).toThrow(ConfigError);
  });
});
