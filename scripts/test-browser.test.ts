import { describe, expect, it } from "vitest";
import {
  DEBIAN_CHROMIUM,
  DEBIAN_CHROMIUM_ARGS,
  DEBIAN_HEADLESS_SHELL,
  ensureTestBrowser,
  NO_BROWSER_MESSAGE,
  PLAYWRIGHT_BIN,
  type Machine,
} from "./test-browser";

const OWN = "/home/dev/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome";

/** A machine described by facts; each command's effect on the disk is part of the facts. */
function machine(facts: {
  onDisk?: string[];
  root?: boolean;
  debian?: boolean;
  installs?: Record<string, { ok: boolean; puts?: string }>;
}) {
  const disk = new Set(facts.onDisk ?? []);
  const ran: string[] = [];
  const fake: Machine = {
    playwrightExecutable: () => OWN,
    exists: (path) => disk.has(path),
    isRoot: () => facts.root ?? false,
    isDebian: () => facts.debian ?? false,
    run: (command, args) => {
      const line = [command, ...args].join(" ");
      ran.push(line);
      const effect = facts.installs?.[line];
      if (effect?.ok && effect.puts) disk.add(effect.puts);
      return effect?.ok ?? false;
    },
    log: () => {},
  };
  return { fake, ran };
}

const PLAYWRIGHT_INSTALL = `${PLAYWRIGHT_BIN} install chromium`;
const APT_INSTALL = "apt-get install -y chromium-headless-shell";

describe("ensureTestBrowser", () => {
  it("1. uses Playwright's own chromium when it is on disk, even with Debian's there too, and installs nothing", () => {
    const { fake, ran } = machine({ onDisk: [OWN, DEBIAN_HEADLESS_SHELL, DEBIAN_CHROMIUM], root: true, debian: true });
    expect(ensureTestBrowser(fake)).toEqual({
      ok: true,
      browser: { source: "playwright", executablePath: OWN, args: [] },
    });
    expect(ran).toEqual([]);
  });

  it("2. else uses Debian's headless shell (the binary, not /usr/bin's wrapper) before its full chromium, and installs nothing", () => {
    const { fake, ran } = machine({ onDisk: [DEBIAN_HEADLESS_SHELL, DEBIAN_CHROMIUM], root: true, debian: true });
    expect(ensureTestBrowser(fake)).toEqual({
      ok: true,
      browser: {
        source: "debian",
        executablePath: "/usr/lib/chromium/chromium-headless-shell",
        args: DEBIAN_CHROMIUM_ARGS,
      },
    });
    expect(ran).toEqual([]);
  });

  it("3. else uses Debian's /usr/bin/chromium with the flags that keep it quiet, and installs nothing", () => {
    const { fake, ran } = machine({ onDisk: [DEBIAN_CHROMIUM], root: true, debian: true });
    expect(ensureTestBrowser(fake)).toEqual({
      ok: true,
      browser: { source: "debian", executablePath: DEBIAN_CHROMIUM, args: DEBIAN_CHROMIUM_ARGS },
    });
    expect(DEBIAN_CHROMIUM_ARGS).toEqual([
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ]);
    expect(ran).toEqual([]);
  });

  it("4. else runs `playwright install chromium` and uses what it put on disk, without apt even as root on Debian", () => {
    const { fake, ran } = machine({
      root: true,
      debian: true,
      installs: { [PLAYWRIGHT_INSTALL]: { ok: true, puts: OWN } },
    });
    expect(ensureTestBrowser(fake)).toMatchObject({ ok: true, browser: { source: "playwright", executablePath: OWN } });
    expect(ran).toEqual([PLAYWRIGHT_INSTALL]);
  });

  it("4. an install that exits 0 but leaves no browser does not count", () => {
    const { fake } = machine({ installs: { [PLAYWRIGHT_INSTALL]: { ok: true } } });
    expect(ensureTestBrowser(fake)).toEqual({ ok: false, message: NO_BROWSER_MESSAGE });
  });

  it("5. else, as root on Debian, installs Debian's headless shell with apt-get and uses it", () => {
    const { fake, ran } = machine({
      root: true,
      debian: true,
      installs: { [APT_INSTALL]: { ok: true, puts: DEBIAN_HEADLESS_SHELL } },
    });
    expect(ensureTestBrowser(fake)).toMatchObject({
      ok: true,
      browser: { source: "debian", executablePath: DEBIAN_HEADLESS_SHELL, args: DEBIAN_CHROMIUM_ARGS },
    });
    expect(ran).toEqual([PLAYWRIGHT_INSTALL, "apt-get update -qq", APT_INSTALL]);
  });

  it("5. does not try apt-get when not root, or not on Debian", () => {
    for (const facts of [
      { root: false, debian: true },
      { root: true, debian: false },
    ]) {
      const { fake, ran } = machine({
        ...facts,
        installs: { [APT_INSTALL]: { ok: true, puts: DEBIAN_HEADLESS_SHELL } },
      });
      expect(ensureTestBrowser(fake)).toEqual({ ok: false, message: NO_BROWSER_MESSAGE });
      expect(ran).toEqual([PLAYWRIGHT_INSTALL]);
    }
  });

  it("6. stops with one line saying what to run when every step fails", () => {
    const { fake, ran } = machine({ root: true, debian: true, installs: { [APT_INSTALL]: { ok: false } } });
    const outcome = ensureTestBrowser(fake);
    expect(outcome).toEqual({ ok: false, message: NO_BROWSER_MESSAGE });
    expect(ran).toEqual([PLAYWRIGHT_INSTALL, "apt-get update -qq", APT_INSTALL]);
    expect(NO_BROWSER_MESSAGE).not.toContain("\n");
    expect(NO_BROWSER_MESSAGE).toContain("npx playwright install chromium");
    expect(NO_BROWSER_MESSAGE).toContain("apt-get install -y chromium-headless-shell");
  });
});
