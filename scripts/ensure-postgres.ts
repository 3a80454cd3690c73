/**
 * Makes sure the store's tests can start a throwaway PostgreSQL (initdb + pg_ctl), in this order:
 * 1. PostgreSQL's server is installed: use it.
 * 2. Running as root on Debian: `apt-get install -y postgresql` (nothing else is changed;
 *    Debian's package also starts a system cluster, which the tests leave alone).
 * 3. Otherwise: one line saying what to run, and a non-zero exit.
 *
 * Run with `npx tsx scripts/ensure-postgres.ts`.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { findPostgresBinDir } from "../e2e/support/postgres-binaries";

const MANUAL =
  "PostgreSQL is needed for the store's tests: install its server (Debian: sudo apt-get install -y postgresql) and run npm test again.";

function aptInstall(): void {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  try {
    execFileSync("apt-get", ["install", "-y", "postgresql"], { stdio: "inherit", env });
  } catch {
    // A fresh machine may have no package lists yet.
    execFileSync("apt-get", ["update"], { stdio: "inherit", env });
    execFileSync("apt-get", ["install", "-y", "postgresql"], { stdio: "inherit", env });
  }
}

function main(): number {
  const found = findPostgresBinDir();
  if (found) {
    console.log(`PostgreSQL found: ${found}`);
    return 0;
  }
  const isRoot = process.getuid?.() === 0;
  const isDebian = existsSync("/etc/debian_version");
  if (!isRoot || !isDebian) {
    console.error(MANUAL);
    return 1;
  }
  console.log("PostgreSQL is not installed; installing Debian's postgresql package (apt-get install -y postgresql)…");
  try {
    aptInstall();
  } catch {
    console.error(`Installing PostgreSQL failed. ${MANUAL}`);
    return 1;
  }
  const installed = findPostgresBinDir();
  if (!installed) {
    console.error(`apt-get finished but initdb was not found. ${MANUAL}`);
    return 1;
  }
  console.log(`PostgreSQL installed: ${installed}`);
  return 0;
}

process.exitCode = main();
