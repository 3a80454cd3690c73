import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { testStores } from "@/e2e/support/test-stores";
import { sessions } from "./schema";
import {
  asStoreError,
  isStoreUnavailableError,
  STORE_UNAVAILABLE_MESSAGE,
  StoreUnavailableError,
  toStoreUnavailableError,
} from "./store-unavailable-error";

function pgError(code: string, message = "x"): Error {
  return Object.assign(new Error(message), { code });
}

describe("toStoreUnavailableError", () => {
  it.each([
    ["connection refused", Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })],
    ["a reset socket", pgError("ECONNRESET", "read ECONNRESET")],
    ["an unknown host", pgError("ENOTFOUND", "getaddrinfo ENOTFOUND db")],
    ["a dropped connection", new Error("Connection terminated unexpectedly")],
    ["a connect timeout", new Error("Connection terminated due to connection timeout")],
    ["a pool that cannot connect in time", new Error("timeout exceeded when trying to connect")],
    ["a server that does not answer", new Error("Query read timeout")],
    ["an administrator shutdown (57P01)", pgError("57P01", "terminating connection due to administrator command")],
    ["a server starting up (57P03)", pgError("57P03", "the database system is starting up")],
    ["a connection exception (08006)", pgError("08006")],
    ["a statement timeout (57014)", pgError("57014", "canceling statement due to statement timeout")],
    ["too many connections (53300)", pgError("53300")],
    ["a closed PGlite", new Error("PGlite is closed")],
    [
      "pg's AggregateError for every address refused",
      new AggregateError([pgError("ECONNREFUSED"), pgError("ECONNREFUSED")], ""),
    ],
    [
      "any of those wrapped by Drizzle",
      new DrizzleQueryError("select 1", [], Object.assign(new Error("Connection terminated unexpectedly"))),
    ],
  ])("maps %s to StoreUnavailableError, keeping it as the cause", (_label, error) => {
    const mapped = toStoreUnavailableError(error);
    expect(mapped).toBeInstanceOf(StoreUnavailableError);
    expect(mapped?.message).toBe(STORE_UNAVAILABLE_MESSAGE);
    expect(mapped?.cause).toBe(error);
  });

  it.each([
    ["a unique violation", pgError("23505", "duplicate key value violates unique constraint")],
    ["a syntax error", pgError("42601", "syntax error at or near")],
    ["a bug", new TypeError("cannot read properties of undefined")],
    ["a non-error", "boom"],
    ["null", null],
  ])("leaves %s alone: it is not an outage", (_label, error) => {
    expect(toStoreUnavailableError(error)).toBeNull();
    expect(asStoreError(error)).toBe(error);
  });

  it("recognises the error from another bundle's copy of the class by its registered symbol", () => {
    const fromOtherCopy = {
      [Symbol.for("faucet-console.StoreUnavailableError")]: true,
      message: STORE_UNAVAILABLE_MESSAGE,
    };
    expect(isStoreUnavailableError(fromOtherCopy)).toBe(true);
    expect(isStoreUnavailableError(new Error(STORE_UNAVAILABLE_MESSAGE))).toBe(false);
  });

  it("maps a query on a PGlite store that was closed", async () => {
    const stores = testStores("pglite");
    try {
      const store = await stores.open();
      await store.close();
      const failure = await store.db
        .select()
        .from(sessions)
        .catch((error: unknown) => error);
      expect(isStoreUnavailableError(asStoreError(failure))).toBe(true);
    } finally {
      await stores.cleanup();
    }
  });
});
