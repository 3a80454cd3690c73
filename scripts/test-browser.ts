import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

/**
 * Which chromium the browser tests (and the bench) drive, decided in one place. `npm test`
 * runs `ensureTestBrowser` first, which may install one; playwright.config.ts and the bench
 * call `findTestBrowser`, which only looks, so they see what the ensure step left behind.
 */

const REPO = resolve(import.meta.dirname, "..");
export const PLAYWRIGHT_BIN = join(REPO, "node_modules", ".bin", "playwright");
export const DEBIAN_CHROMIUM = "/usr/bin/chromium";
/**
 * Debian's package of chromium's old headless mode (`chromium-headless-shell`), the binary itself
 * (/usr/bin's wrapper would stand between Playwright and the browser). It is what Playwright runs
 * headless tests in by default, and costs half the CPU of the full browser per page: measured here,
 * a new context with the sign-in page 0.65 CPU-s against 1.26, a blank context 0.22 against 0.63.
 */
export const DEBIAN_HEADLESS_SHELL = "/usr/lib/chromium/chromium-headless-shell";
export const DEBIAN_HEADLESS_SHELL_PACKAGE = "chromium-headless-shell";
/** Debian's build phones home and syncs unless told not to; its sandbox needs user namespaces that containers lack. */
export const DEBIAN_CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const NO_BROWSER_MESSAGE =
  'No browser for the e2e tests: run "npx playwright install chromium" (or, as root on Debian, "apt-get install -y chromium-headless-shell"), then npm test again.';

export type TestBrowser = { source: "playwright" | "debian"; executablePath: string; args: string[] };

/** What the resolver needs to know about the machine, injected so each branch can be tested. */
export type Machine = {
  /** Where Playwright's own chromium lives for the installed Playwright version. */
  playwrightExecutable: () => string;
  exists: (path: string) => boolean;
  isRoot: () => boolean;
  isDebian: () => boolean;
  /** Runs a command with its output shown; true when it exited 0. */
  run: (command: string, args: string[]) => boolean;
  log: (line: string) => void;
};

/** Steps 1–3 of the order: a browser already on disk, Playwright's first, then Debian's headless shell. */
export function findTestBrowser(machine: Pick<Machine, "playwrightExecutable" | "exists">): TestBrowser | null {
  const own = machine.playwrightExecutable();
  if (machine.exists(own)) return { source: "playwright", executablePath: own, args: [] };
  if (machine.exists(DEBIAN_HEADLESS_SHELL))
    return { source: "debian", executablePath: DEBIAN_HEADLESS_SHELL, args: DEBIAN_CHROMIUM_ARGS };
  if (machine.exists(DEBIAN_CHROMIUM))
    return { source: "debian", executablePath: DEBIAN_CHROMIUM, args: DEBIAN_CHROMIUM_ARGS };
  return null;
}

/**
 * The whole order: Playwright's browser; Debian's headless shell; Debian's full chromium;
 * `playwright install chromium`; as root on Debian, `apt-get install -y chromium-headless-shell`. An install counts only if the browser is
 * then on disk. `{ ok: false }` carries the one line to print.
 */
export function ensureTestBrowser(
  machine: Machine,
): { ok: true; browser: TestBrowser } | { ok: false; message: string } {
  const present = findTestBrowser(machine);
  if (present) return { ok: true, browser: present };

  machine.log("No chromium found: trying `playwright install chromium`.");
  if (machine.run(PLAYWRIGHT_BIN, ["install", "chromium"])) {
    const installed = findTestBrowser(machine);
    if (installed) return { ok: true, browser: installed };
  }

  if (machine.isRoot() && machine.isDebian()) {
    machine.log(`Trying Debian's headless chromium: \`apt-get install -y ${DEBIAN_HEADLESS_SHELL_PACKAGE}\`.`);
    // A fresh image has no package lists; a failed update still lets the install try the cached ones.
    machine.run("apt-get", ["update", "-qq"]);
    if (machine.run("apt-get", ["install", "-y", DEBIAN_HEADLESS_SHELL_PACKAGE])) {
      const installed = findTestBrowser(machine);
      if (installed) return { ok: true, browser: installed };
    }
  }
  return { ok: false, message: NO_BROWSER_MESSAGE };
}

/** The machine this runs on. */
export const thisMachine: Machine = {
  playwrightExecutable: () => chromium.executablePath(),
  exists: existsSync,
  isRoot: () => process.getuid?.() === 0,
  isDebian: () => existsSync("/etc/debian_version"),
  run: (command, args) => {
    const result = spawnSync(command, args, {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    return result.status === 0;
  },
  log: (line) => console.error(line),
};

/** Launch options for Playwright or playwright-core: the browser found, or Playwright's defaults when none is. */
export function testBrowserLaunchOptions(): { executablePath?: string; args?: string[] } {
  const browser = findTestBrowser(thisMachine);
  return browser ? { executablePath: browser.executablePath, args: browser.args } : {};
}
