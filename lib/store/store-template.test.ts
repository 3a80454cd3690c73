import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { resetEnv } from "../config/env";
import { madeInstallTemplate, installTemplatePath, storeTemplate, storeTemplatePath } from "./store-template";

const root = mkdtempSync(path.join(tmpdir(), "faucet-console-store-template-"));
// A dist dir inside each project dir, whatever this shell's NEXT_DIST_DIR says.
const savedDistDir = process.env.NEXT_DIST_DIR;
process.env.NEXT_DIST_DIR = "dist";
resetEnv();
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
  if (savedDistDir === undefined) delete process.env.NEXT_DIST_DIR;
  else process.env.NEXT_DIST_DIR = savedDistDir;
  resetEnv();
});

/** A project dir with this tree's migrations and a PGlite of `version`. */
function project(name: string, version = "0.5.17"): string {
  const dir = path.join(root, name);
  cpSync(path.resolve("lib/store/migrations"), path.join(dir, "lib/store/migrations"), { recursive: true });
  const pglite = path.join(dir, "node_modules/@electric-sql/pglite");
  mkdirSync(pglite, { recursive: true });
  writeFileSync(path.join(pglite, "package.json"), JSON.stringify({ name: "@electric-sql/pglite", version }));
  return dir;
}

function touch(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, "");
}

describe("npm install's store template", () => {
  it("is named for the tree's migrations and PGlite: a changed or new migration, or another PGlite, is another name", () => {
    const name = (dir: string) => path.basename(installTemplatePath(dir) ?? "");
    const base = project("base");
    expect(installTemplatePath(base)).toMatch(
      new RegExp(`^${base}/node_modules/\\.cache/faucet-console/store-template-[0-9a-f]{16}\\.tgz$`),
    );
    expect(name(project("same"))).toBe(name(base));

    const changed = project("changed");
    appendFileSync(path.join(changed, "lib/store/migrations/0000_init.sql"), "\n-- edited\n");
    const added = project("added");
    writeFileSync(path.join(added, "lib/store/migrations/9999_next.sql"), "create table later (id int);");
    const journal = project("journal");
    appendFileSync(path.join(journal, "lib/store/migrations/meta/_journal.json"), " ");
    const names = [base, changed, added, journal, project("other-pglite", "0.6.0")].map(name);
    expect(new Set(names).size).toBe(names.length);
  });

  it("has no name where PGlite is not installed", () => {
    const dir = project("no-pglite");
    rmSync(path.join(dir, "node_modules"), { recursive: true });
    expect(installTemplatePath(dir)).toBeNull();
  });
});

describe("the template a first start loads", () => {
  it("is the build's if there is one, else npm install's made for this tree, never one made for another", () => {
    const dir = project("first-start");
    expect(storeTemplate(dir)).toBeNull();

    // npm install's, for a tree whose migrations have changed since: not this tree's.
    const installed = installTemplatePath(dir) ?? "";
    const older = installed.replace(/[0-9a-f]{16}\.tgz$/, "0123456789abcdef.tgz");
    touch(older);
    expect(storeTemplate(dir)).toBeNull();

    touch(installed);
    expect(storeTemplate(dir)).toEqual({ file: installed, madeBy: "npm install" });

    expect(storeTemplatePath(dir)).toBe(path.join(dir, "dist", "store-template.tgz"));
    touch(storeTemplatePath(dir));
    expect(storeTemplate(dir)).toEqual({ file: storeTemplatePath(dir), madeBy: "npm run build" });
  });
});

describe("npm install's template as made", () => {
  it("is the one for this tree once made (which the build copies), never one made for another", () => {
    const dir = project("build");
    expect(madeInstallTemplate(dir)).toBeNull();
    const installed = installTemplatePath(dir) ?? "";
    touch(installed.replace(/[0-9a-f]{16}\.tgz$/, "0123456789abcdef.tgz"));
    expect(madeInstallTemplate(dir)).toBeNull();
    touch(installed);
    expect(madeInstallTemplate(dir)).toBe(installed);
  });
});
