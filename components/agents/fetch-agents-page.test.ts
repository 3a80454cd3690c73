import { describe, expect, it } from "vitest";
import { isBackgroundRequest } from "@/lib/session/background-request";
import { nextRequestActivityHeaders, notePersonActivity } from "./fetch-agents-page";

const marked = () => isBackgroundRequest(new Headers(nextRequestActivityHeaders()));

describe("which agents requests count as a person's activity", () => {
  it("marks a request with no input since the page loaded or since the previous request as background; counts one after any input", () => {
    expect(marked()).toBe(true);
    expect(marked()).toBe(true);
    notePersonActivity();
    expect(marked()).toBe(false);
    expect(marked()).toBe(true);
  });

  it("reads only the exact marker as background", () => {
    expect(isBackgroundRequest(new Headers({ "X-Console-Background": "1" }))).toBe(true);
    expect(isBackgroundRequest(new Headers({ "x-console-background": "0" }))).toBe(false);
    expect(isBackgroundRequest(new Headers())).toBe(false);
  });
});
