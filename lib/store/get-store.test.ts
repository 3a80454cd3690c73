import { mkdtempSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { copyPristinePgliteDir } from "@/e2e/support/test-stores";
import { resetEnv } from "@/lib/config/env";
import { storeOptionsFromEnv } from "./open-store";

describe("storeOptionsFromEnv", () => {
  it("uses PostgreSQL when DATABASE_URL is set", () => {
    expect(storeOptionsFromEnv({ DATABASE_URL: " postgres://u@db:5432/c " })).toEqual({
      databaseUrl: "postgres://u@db:5432/c",
    });
  });

  it("uses PGlite under <CONSOLE_DATA_DIR>/store when DATABASE_URL is unset or blank", () => {
    // The source is the whole environment (lib/config/env.ts): CONSOLE_DATA_DIR travels in it.
    expect(storeOptionsFromEnv({ DATABASE_URL: "  ", CONSOLE_DATA_DIR: "/srv/console" })).toEqual({
      pgliteDir: "/srv/console/store",
    });
    expect(storeOptionsFromEnv({})).toEqual({ pgliteDir: path.join(process.cwd(), ".data", "store") });
  });
});

describe("getStore on PGlite", () => {
  const dataDir = mkdtempSync("/tmp/faucet-console-data-");
  const saved = { CONSOLE_DATA_DIR: process.env.CONSOLE_DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };

  beforeAll(() => {
    // A new store, as initdb leaves it (copied: see copyPristinePgliteDir); getStore() migrates it.
    copyPristinePgliteDir(path.join(dataDir, "store"));
    process.env.CONSOLE_DATA_DIR = dataDir;
    delete process.env.DATABASE_URL;
    resetEnv();
  });
  afterAll(async () => {
    const { closeStore } = await import("./get-store");
    await closeStore();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetEnv();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("opens one migrated store per process, shared by concurrent callers and by re-evaluated copies of the module", async () => {
    const first = await import("./get-store");
    const [a, b] = await Promise.all([first.getStore(), first.getStore()]);
    expect(a).toBe(b);
    expect(a.engine).toBe("pglite");
    expect(a.engine === "pglite" && a.client.dataDir).toBe(path.join(dataDir, "store"));

    // What a dev hot reload, or another server layer's bundle, does: a fresh copy of the module.
    vi.resetModules();
    const second = await import("./get-store");
    expect(second).not.toBe(first);
    expect(await second.getStore()).toBe(a);
  });
});
