import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

const DEBIAN_ROOT = "/usr/lib/postgresql";

/**
 * The directory holding initdb and pg_ctl: Debian keeps them out of PATH under
 * /usr/lib/postgresql/<major>/bin (the newest major wins); elsewhere they are on PATH.
 * Null when PostgreSQL's server is not installed.
 */
export function findPostgresBinDir(): string | null {
  if (existsSync(DEBIAN_ROOT)) {
    const majors = readdirSync(DEBIAN_ROOT)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const major of majors) {
      const bin = path.join(DEBIAN_ROOT, major, "bin");
      if (existsSync(path.join(bin, "initdb")) && existsSync(path.join(bin, "pg_ctl"))) return bin;
    }
  }
  try {
    const initdb = execFileSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).trim();
    const bin = path.dirname(initdb);
    if (initdb && existsSync(path.join(bin, "pg_ctl"))) return bin;
  } catch {
    // not on PATH either
  }
  return null;
}
