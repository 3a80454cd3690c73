import { describe, expect, it } from "vitest";
import { PAGE_SIZE } from "./agents-view";
import { parsePageRequest, parseViewState } from "./view-params";

const request = (query: string) => parsePageRequest(new URLSearchParams(query));

describe("page request", () => {
  it("keeps a limit of 1 to 200 rows and an offset of 0 or more", () => {
    expect(request("limit=200&offset=9900")).toMatchObject({ limit: 200, offset: 9_900 });
    expect(request("limit=1")).toMatchObject({ limit: 1, offset: 0 });
  });

  it("never asks for more than 200 rows: a larger, negative or garbled limit becomes one page", () => {
    for (const limit of ["201", "10000", "0", "-5", "1e9", "abc", "2.5", ""]) {
      expect(request(`limit=${limit}`).limit, limit).toBe(PAGE_SIZE);
    }
    expect(request("offset=-1&limit=50")).toMatchObject({ offset: 0, limit: 50 });
  });

  it("takes the Needs attention filter and the key-age sort from a shared link", () => {
    expect(request("filter=attention&sort=key-age&dir=desc")).toMatchObject({
      filter: "attention",
      sort: "key-age",
      dir: "desc",
    });
  });

  it("takes Keys past their policy from a shared link, and a garbled filter falls back to all agents", () => {
    expect(request("filter=past-policy")).toMatchObject({ filter: "past-policy" });
    expect(parseViewState({ filter: "past-policy" })).toMatchObject({ filter: "past-policy" });
    for (const filter of ["past_policy", "Past-Policy", "past-policy ", "overdue"])
      expect(request(`filter=${encodeURIComponent(filter)}`).filter, filter).toBe("all");
  });
});
