import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, describe, expect, inject, it } from "vitest";
import { copyPristinePgliteDir } from "@/e2e/support/test-stores";
import { ConfigError, resetEnv } from "@/lib/config/env";
import { closeStore, getStore, openStoreAtStartup } from "./get-store";
import { migrateStore } from "./migrate";
import { openStore, storeOptionsFromEnv } from "./open-store";
import { storeTemplatePath } from "./store-template";
import { StoreUnavailableError } from "./store-unavailable-error";

const root = mkdtempSync("/tmp/faucet-console-open-store-");
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Every path under `dir` (itself included) whose mode lets a group or others in. */
function notOwnerOnly(dir: string): string[] {
  const loose = (statSync(dir).mode & 0o077) !== 0 ? [dir] : [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isSymbolicLink() && (lstatSync(file).mode & 0o077) !== 0)
      loose.push(`${file} ${(lstatSync(file).mode & 0o777).toString(8)}`);
  }
  return loose;
}

describe("DATABASE_URL", () => {
  it("that does not parse as a PostgreSQL URL stops start-up without echoing it (it holds a password)", () => {
    for (const value of [
      "db.internal:5432/console",
      "postgres://user:secret@db:port/console",
      "mysql://u:secret@db/console",
    ]) {
      expect(() => storeOptionsFromEnv({ DATABASE_URL: value }), value).toThrow(ConfigError);
      try {
        storeOptionsFromEnv({ DATABASE_URL: value });
      } catch (error) {
        expect((error as Error).message).toContain("DATABASE_URL is not a PostgreSQL URL");
        expect((error as Error).message).not.toContain(value);
      }
    }
    expect(storeOptionsFromEnv({ DATABASE_URL: "postgresql://u:s%23cret@db:5432/c" })).toEqual({
      databaseUrl: "postgresql://u:s%23cret@db:5432/c",
    });
  });
});

describe("the embedded store's files", () => {
  it(
    "are created under a missing parent, owner-only, and stay so as PGlite writes; an older store's loose files are tightened",
    { timeout: 180_000 },
    async () => {
      const dir = path.join(root, "missing", "parent", "store");
      const store = await openStore({ pgliteDir: dir });
      try {
        await migrateStore(store);
        await store.db.execute(sql`create table extra (id int primary key, note text)`);
        await store.db.execute(sql`insert into extra select n, repeat('x', 200) from generate_series(1, 2000) n`);
        await store.db.execute(sql`checkpoint`);
        expect(statSync(dir).mode & 0o777).toBe(0o700);
        expect(statSync(path.dirname(dir)).mode & 0o777).toBe(0o700);
        expect(readdirSync(dir, { recursive: true }).length).toBeGreaterThan(500);
        expect(notOwnerOnly(dir)).toEqual([]);
      } finally {
        await store.close();
      }

      // What a console before this rule left behind: 0666 files in 0755 directories.
      const version = path.join(dir, "PG_VERSION");
      chmodSync(version, 0o666);
      chmodSync(path.join(dir, "base"), 0o755);
      chmodSync(dir, 0o755);
      const reopened = await openStore({ pgliteDir: dir });
      await reopened.close();
      expect(notOwnerOnly(dir)).toEqual([]);
    },
  );
});

describe("the embedded store's memory", () => {
  it("keeps 16 MB of shared buffers, on disk and in memory, not PostgreSQL's 128 MB that PGlite zeroes at every start", async () => {
    const onDisk = path.join(root, "buffers", "store");
    copyPristinePgliteDir(onDisk);
    for (const store of [await openStore({ pgliteDir: onDisk }), await openStore({ pgliteDir: "memory://" })]) {
      try {
        const shown = await store.db.execute(sql`show shared_buffers`);
        expect(shown.rows[0]).toEqual({ shared_buffers: "16MB" });
      } finally {
        await store.close();
      }
    }
  });
});

describe("the build's store template", () => {
  const saved = process.env.NEXT_DIST_DIR;
  afterEach(() => {
    if (saved === undefined) delete process.env.NEXT_DIST_DIR;
    else process.env.NEXT_DIST_DIR = saved;
    resetEnv();
  });

  // Three PGlite starts (the source is a copy of a new data dir, not another initdb): a minute on a busy machine.
  it(
    "is what a first start loads instead of running initdb: migrated already, owner-only, and only when the dir is new",
    { timeout: 240_000 },
    async () => {
      process.env.NEXT_DIST_DIR = path.join(root, "dist");
      resetEnv();
      rmSync(process.env.NEXT_DIST_DIR, { recursive: true, force: true });
      const template = storeTemplatePath();
      expect(template).toBe(path.join(root, "dist", "store-template.tgz"));
      // What `npm run build`'s postbuild makes (scripts/make-store-template.ts), with a marker to recognise it.
      copyPristinePgliteDir(path.join(root, "template-source"));
      const source = await openStore({ pgliteDir: path.join(root, "template-source") });
      await migrateStore(source);
      await source.db.execute(sql`create table template_marker (id int)`);
      if (source.engine !== "pglite") throw new Error("expected PGlite");
      const dump = await source.client.dumpDataDir("gzip");
      await source.close();
      mkdirSync(path.dirname(template), { recursive: true });
      writeFileSync(template, Buffer.from(await dump.arrayBuffer()));

      const dir = path.join(root, "from-template", "store");
      const store = await openStore({ pgliteDir: dir });
      try {
        const marker = await store.db.execute(sql`select to_regclass('template_marker') is not null as present`);
        expect(marker.rows[0]).toEqual({ present: true });
        expect(notOwnerOnly(path.dirname(dir))).toEqual([]);
      } finally {
        await store.close();
      }
      // An existing store is opened as it is: the template never overwrites it.
      rmSync(template);
      expect(existsSync(template)).toBe(false);
      const again = await openStore({ pgliteDir: dir });
      try {
        const marker = await again.db.execute(sql`select to_regclass('template_marker') is not null as present`);
        expect(marker.rows[0]).toEqual({ present: true });
      } finally {
        await again.close();
      }
    },
  );
});

describe("openStoreAtStartup", () => {
  const saved = { ...process.env };
  afterEach(async () => {
    await closeStore();
    process.env = { ...saved };
    resetEnv();
  });

  it("stops start-up, naming the directory, when the embedded store's directory cannot be created", async () => {
    const file = path.join(root, "a-file");
    writeFileSync(file, "");
    process.env = { ...saved, CONSOLE_DATA_DIR: path.join(file, "data"), DATABASE_URL: "" };
    resetEnv();
    const failure = openStoreAtStartup();
    await expect(failure).rejects.toThrow(ConfigError);
    await expect(failure).rejects.toThrow(`the data directory ${path.join(file, "data", "store")} cannot be created`);
  });

  it("stops start-up when the embedded store's data dir is damaged", { timeout: 180_000 }, async () => {
    const dataDir = path.join(root, "damaged");
    // A data dir PGlite made (a copy of a new one: see copyPristinePgliteDir), then damaged.
    copyPristinePgliteDir(path.join(dataDir, "store"));
    writeFileSync(path.join(dataDir, "store", "global", "pg_control"), "not a control file");
    process.env = { ...saved, CONSOLE_DATA_DIR: dataDir, DATABASE_URL: "" };
    resetEnv();
    await expect(openStoreAtStartup()).rejects.toThrow(
      `the embedded database in ${path.join(dataDir, "store")} cannot be opened (`,
    );
  });

  it("stops start-up when PostgreSQL refuses the database named in DATABASE_URL", async () => {
    const url = new URL(inject("storeDatabaseUrl"));
    url.pathname = "/no_such_database";
    process.env = { ...saved, DATABASE_URL: url.toString() };
    resetEnv();
    await expect(openStoreAtStartup()).rejects.toThrow(
      /the PostgreSQL database at DATABASE_URL refuses the console \(.*no_such_database.*3D000\)/,
    );
  });

  it("leaves a PostgreSQL that cannot be reached to the requests, which retry it", async () => {
    // A port nothing listens on: the database is down.
    process.env = { ...saved, DATABASE_URL: "postgres://postgres@127.0.0.1:1/postgres" };
    resetEnv();
    await expect(openStoreAtStartup()).resolves.toBeUndefined();
    await expect(getStore()).rejects.toThrow(StoreUnavailableError);
  });
});
