import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { installTemplatePath } from "../lib/store/store-template";
import { readRevealedKey, rotateAgent, signIn } from "./support/console-page";
import { FaucetApi } from "./support/faucet-api";
import { createPostgresCluster, type PostgresCluster } from "./support/postgres-cluster";
import { DOCUMENTED_PATHS_PORTS as PORTS } from "./support/servers";

/**
 * Issue 16: every way the README says to start the console, started exactly that way from a
 * copy of the checkout with no `.data/`, no CONSOLE_DATA_DIR and no other preparation, then a
 * sign-in and one agent-key rotation in the browser, and the new key checked at the faucet.
 *
 * The commands are read from README.md's fenced `sh` blocks and run with bash in the copy; the
 * only edits are the ones a reader makes on this machine (the faucet's URL and port, the
 * database's URL, a value for `SESSION_SECRET=...`), each made with a check that the README
 * still says what is replaced, so a README change that breaks a path fails here. Ports come
 * from `PORT`, which `next` and the faucet read, and from E2E_PORT_BASE (servers.ts).
 *
 * What stands in for a step: a copy of the checkout is its git files (tracked and untracked,
 * not ignored) with node_modules hard-linked (what `npm install` leaves; Turbopack refuses a
 * node_modules symlinked from outside the project). `npm run build` is the one `npm test`
 * runs before Playwright (beside lint: `run-p lint build`; test:e2e alone: `npm run build &&
 * playwright test`): the `npm start` paths hard-link that build into their copy instead of
 * building it once more.
 */

const README = readFileSync("README.md", "utf8");
// Outside the project: a copy inside it would be a nested project (Next picks the outer lockfile's root).
const COPIES_ROOT = path.join(tmpdir(), `faucet-console-documented-paths-${PORTS.faucet}`);
const DIST_DIR = process.env.NEXT_DIST_DIR || ".next";
const running = new Set<ChildProcess>();
/** A dev server compiles from nothing in a fresh copy: about 30 s alone, minutes on a machine shared with other builds. */
const DEV_START_MS = 360_000;
const DEV_TEST_MS = 480_000;
/** A dev server's first signed-in page compiles while the browser waits for it. */
const DEV_FIRST_SIGN_IN_MS = 120_000;
/**
 * Next's dev server gives its compiler 100 ms to exit on SIGTERM, too little to write what it
 * compiled to Turbopack's filesystem cache (it only writes in the background now and then).
 * With this (Next's own switch, read by `next dev`'s parent process and by its server) it
 * waits for Turbopack's shutdown, which writes everything: path 5b then starts from path 1's
 * compile instead of compiling most routes again. It only changes how the server stops.
 */
const PERSIST_DEV_CACHE_ON_STOP = { __NEXT_DEV_WAIT_FOR_TURBOPACK_SHUTDOWN: "1" };
/** How long a stop may take before SIGKILL: long enough for that write on a busy machine. */
const STOP_GRACE_MS = 10_000;
const PERSISTING_STOP_GRACE_MS = 90_000;

/** The first `sh` block under the README's `## <heading>`; fails when the section or its block is gone. */
function shellBlock(heading: string): string {
  const section = README.split(/^## /m).find((candidate) => candidate.startsWith(`${heading}\n`));
  expect(section, `README.md has a "## ${heading}" section`).toBeDefined();
  const block = /```sh\n([\s\S]*?)```/.exec(section ?? "")?.[1];
  expect(block, `README.md's "${heading}" has a sh block`).toBeDefined();
  return block ?? "";
}

/** `text` with `from` replaced, after checking the README still says `from`. */
function replaced(text: string, from: string | RegExp, to: string): string {
  expect(text, `the README's command contains ${String(from)}`).toMatch(
    typeof from === "string" ? new RegExp(from.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")) : from,
  );
  return text.replace(from, to);
}

/**
 * `npm run build && npm start` as the README writes it, with the build left to the scripts that
 * run Playwright (each runs exactly `npm run build` first; run-p runs it as `npm run build`):
 * what remains is `npm start`.
 */
function withSharedBuild(block: string): string {
  const { scripts } = JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> };
  expect(scripts.test, "npm test builds with the README's build script before Playwright").toMatch(
    /\brun-p [^&]*\bbuild\b.*&& playwright test$/,
  );
  expect(scripts["test:e2e"], "test:e2e builds with the README's build command").toMatch(
    /^npm run build && playwright test$/,
  );
  return replaced(block, /^npm run build && npm start$/m, "npm start");
}

const QUICK_START = shellBlock("Quick start");
const REAL_FAUCET = shellBlock("Pointing at the real faucet");
const STAND_ALONE = shellBlock("Running the faucet stand-alone").trim().split("\n");
const ON_POSTGRES = shellBlock("Running on PostgreSQL");
const DEPLOYING = shellBlock("Deploying");

/** The real faucet's exports, pointed at the stand-alone faucet: the README's one substitution. */
const realFaucetExports = (block: string, faucetUrl: string) =>
  replaced(block.replace(/^npm .*$/m, ""), "https://lightningfaucet.com/ai-agents/api", faucetUrl);

/** Hard links (a second or so for node_modules); a real copy where the temp dir is another file system. */
function linkTree(from: string, to: string): void {
  try {
    execFileSync("cp", ["-al", from, to], { stdio: "pipe" });
  } catch {
    rmSync(to, { recursive: true, force: true });
    execFileSync("cp", ["-a", "--reflink=auto", from, to]);
  }
}

/** Removes `dir` and everything under it: `rm -rf` takes half of rmSync's time over node_modules' 30,000 links. */
function removeTree(dir: string): void {
  execFileSync("rm", ["-rf", dir]);
}

/** A copy of the checkout as a user has it after `git clone` and `npm install`, and optionally the build. */
function checkoutCopy(copies: string, name: string, { withBuild }: { withBuild: boolean }): string {
  const dir = path.join(copies, name);
  removeTree(dir);
  const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    encoding: "utf8",
  }).split("\0");
  for (const file of files) {
    if (!file || !existsSync(file)) continue;
    mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    copyFileSync(file, path.join(dir, file));
  }
  linkTree(path.resolve("node_modules"), path.join(dir, "node_modules"));
  if (withBuild) {
    expect(
      existsSync(path.join(DIST_DIR, "BUILD_ID")),
      `a build in ${DIST_DIR} (npm run build) before Playwright`,
    ).toBe(true);
    linkTree(path.resolve(DIST_DIR), path.join(dir, ".next"));
    rmSync(path.join(dir, ".next", "cache"), { recursive: true, force: true });
  }
  expect(existsSync(path.join(dir, ".data"))).toBe(false);
  return dir;
}

/** The environment of a user who has set nothing the README does not tell them to (and `extra`, which is not the user's). */
function userEnv(port: number, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port) };
  for (const name of Object.keys(env)) {
    if (
      /^(FAUCET_|CONSOLE_|SESSION_SECRET|DATABASE_URL|NEXT_|__NEXT_|NODE_ENV$|NODE_OPTIONS$|RATE_LIMIT_|TRUSTED_PROXY_HOPS|AUDIT_|E2E_)/.test(
        name,
      )
    )
      delete env[name];
  }
  return { ...env, ...extra };
}

/** `ended`: the shell (bash, and so the command it runs) has exited. */
type Shell = { log: () => string; ended: () => boolean; stop: () => Promise<void> };

/**
 * Runs `script` with bash in `cwd`, in a process group of its own so stop() ends npm, next and all.
 * `persistDevCache`: a dev server that writes its compile to Turbopack's cache when stopped.
 */
function runShell(
  copies: string,
  name: string,
  cwd: string,
  script: string,
  port: number,
  { persistDevCache = false } = {},
): Shell {
  const logFile = path.join(copies, `${name}.log`);
  const out = openSync(logFile, "w");
  const child = spawn("bash", ["-euc", script], {
    cwd,
    env: userEnv(port, persistDevCache ? PERSIST_DEV_CACHE_ON_STOP : {}),
    detached: true,
    stdio: ["ignore", out, out],
  });
  closeSync(out);
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, name);
    } catch {
      // The group is gone.
    }
  };
  const groupAlive = () => {
    try {
      if (child.pid) process.kill(-child.pid, 0);
      return !!child.pid;
    } catch {
      return false;
    }
  };
  return {
    log: () => readFileSync(logFile, "utf8"),
    ended: () => child.exitCode !== null || child.signalCode !== null,
    async stop() {
      signal("SIGTERM");
      const deadline = Date.now() + (persistDevCache ? PERSISTING_STOP_GRACE_MS : STOP_GRACE_MS);
      const killed = setTimeout(() => signal("SIGKILL"), deadline - Date.now());
      await exited;
      clearTimeout(killed);
      // npm may exit before the server it started: give the rest of the group until the deadline
      // (a dev server writing its cache), then make sure nothing of it is left.
      while (persistDevCache && groupAlive() && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 200));
      signal("SIGKILL");
      running.delete(child);
    },
  };
}

/** Waits until `url` answers, failing at once (with the log's tail) if the shell exits. */
async function waitUntilServing(shell: Shell, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const log = shell.log();
    try {
      const response = await fetch(url, {
        redirect: "manual",
        signal: AbortSignal.timeout(Math.max(1_000, deadline - Date.now())),
      });
      if (response.status < 500) return;
    } catch {
      // Not listening yet.
    }
    if (shell.ended() || /Faucet Console cannot start|npm error|ERR!/.test(log) || Date.now() > deadline) {
      throw new Error(`${url} is not serving; the log ends:\n${shell.log().split("\n").slice(-30).join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** Paths under `dir` (itself included) that a group or others may use: none, by SECURITY.md. */
function notOwnerOnly(dir: string): string[] {
  const loose = (statSync(dir).mode & 0o077) !== 0 ? [dir] : [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const file = path.join(entry.parentPath, entry.name);
    if (!entry.isSymbolicLink() && (lstatSync(file).mode & 0o077) !== 0) loose.push(file);
  }
  return loose;
}

/** The console made its own data dir, owner-only, with everything in it. */
function expectPrivateDataDir(copy: string) {
  const dataDir = path.join(copy, ".data");
  expect(statSync(dataDir).mode & 0o777).toBe(0o700);
  expect(notOwnerOnly(dataDir)).toEqual([]);
}

/**
 * The store template `npm install` leaves for the tree (scripts/postinstall.mjs), in the copy's
 * node_modules, which are the checkout's. CI installs just before the tests, so there it is this
 * tree's; elsewhere a migration added since the last `npm install` has none yet, and npm install's
 * step makes it here as that install would have.
 */
function expectInstallTemplate(copy: string): void {
  const template = installTemplatePath(copy);
  expect(template, "PGlite is installed in the copy").not.toBeNull();
  if (existsSync(template ?? "")) return;
  expect(process.env.CI, `npm ci left no store template for this tree (${template})`).toBeFalsy();
  execFileSync(process.execPath, ["scripts/postinstall.mjs"], { cwd: copy, stdio: "pipe" });
  expect(existsSync(template ?? ""), "scripts/postinstall.mjs made this tree's store template").toBe(true);
}

/** A first start's store came from npm install's template (`npm run dev`) or the build's (`npm start`), not from initdb. */
const LOADED_INSTALL_TEMPLATE = "loaded from the store template `npm install` made";
const LOADED_BUILD_TEMPLATE = "loaded from the store template `npm run build` made";

/** Rotates `agent`'s key in the browser and checks the new key at `faucet`. */
async function rotateAndCheck(page: Page, request: APIRequestContext, faucet: string, agent: string) {
  const reveal = await rotateAgent(page, agent);
  const key = await readRevealedKey(page);
  await reveal.getByRole("button", { name: "Done" }).click();
  await expect(reveal).toBeHidden();
  expect(await new FaucetApi(request, faucet).whoami(key)).toMatchObject({ success: true, type: "agent" });
}

/**
 * Demo mode as the README promises it: the demo operator's key printed once at start, "Use demo
 * operator" signs in, and a rotation on the embedded faucet gives a key that faucet accepts.
 */
async function demoSignInAndRotate(
  page: Page,
  request: APIRequestContext,
  shell: Shell,
  url: string,
  { signedInWithinMs = 10_000 } = {},
) {
  await expect.poll(shell.log).toMatch(/Demo operator key: lf_[0-9a-f]{32}/);
  await page.goto(`${url}/`);
  await page.getByRole("button", { name: "Use demo operator" }).click();
  try {
    await expect(page).toHaveURL(/\/agents/, { timeout: signedInWithinMs });
  } catch (error) {
    const alert = await page
      .getByRole("alert")
      .textContent()
      .catch(() => null);
    throw new Error(
      `"Use demo operator" did not sign in (the page says: ${JSON.stringify(alert)}); the console's log ends:\n` +
        shell.log().split("\n").slice(-30).join("\n"),
      { cause: error },
    );
  }
  await rotateAndCheck(page, request, `${url}/ai-agents/api`, "Research Assistant");
}

/** A fresh operator at the stand-alone faucet, signed in on `consoleUrl`. */
async function signInNewOperator(
  page: Page,
  request: APIRequestContext,
  faucetUrl: string,
  consoleUrl: string,
  name: string,
  signInOptions: { signedInWithinMs?: number } = {},
) {
  const { operatorKey } = await new FaucetApi(request, faucetUrl).newOperator(name, ["Path Bot"]);
  await signIn(page, operatorKey, consoleUrl, signInOptions);
  return "Path Bot";
}

/**
 * The README's stand-alone faucet (path 5) and the shell runner of one group of paths, which run
 * in order in one worker (two groups run side by side: each has its own copies and its own faucet).
 */
function pathGroup(name: string, faucetPort: number) {
  const copies = path.join(COPIES_ROOT, name);
  const faucetUrl = `http://127.0.0.1:${faucetPort}/ai-agents/api`;
  let faucet: Shell | undefined;
  const shells: Shell[] = [];
  const group = {
    copies,
    faucetUrl,
    postgres: undefined as PostgresCluster | undefined,
    checkoutCopy: (copy: string, options: { withBuild: boolean }) => checkoutCopy(copies, copy, options),
    async start(
      shellName: string,
      cwd: string,
      script: string,
      port: number,
      timeoutMs = 120_000,
      options: { persistDevCache?: boolean } = {},
    ) {
      const shell = runShell(copies, shellName, cwd, script, port, options);
      shells.push(shell);
      const url = `http://127.0.0.1:${port}`;
      await waitUntilServing(shell, `${url}/`, timeoutMs);
      // A dev server compiles a route on its first request: the page the browser goes to next, compiled here
      // (a redirect to sign-in, signed out), so the browser's steps keep their usual timeouts.
      for (const route of ["/agents", "/api/agents"])
        await fetch(`${url}${route}`, { redirect: "manual", signal: AbortSignal.timeout(timeoutMs) });
      return { shell, url };
    },
  };

  test.beforeAll(async () => {
    test.setTimeout(120_000);
    removeTree(copies);
    mkdirSync(copies, { recursive: true });
    // The README's stand-alone faucet (path 5), from a copy of its own: run in a console's copy, its
    // .data/faucet would make the .data/ the console must make itself.
    const command = replaced(STAND_ALONE[0] ?? "", /^PORT=4010 npm run faucet$/, `PORT=${faucetPort} npm run faucet`);
    faucet = runShell(copies, "faucet", checkoutCopy(copies, "faucet", { withBuild: false }), command, faucetPort);
    // It answers 404 on "/": any answer means it listens.
    await waitUntilServing(faucet, `http://127.0.0.1:${faucetPort}/`, 60_000);
  });

  test.afterAll(async () => {
    await Promise.all([...shells, ...(faucet ? [faucet] : [])].map((shell) => shell.stop()));
    group.postgres?.destroy();
    removeTree(copies);
  });
  return group;
}

// Two groups, each in order in one worker, side by side: the dev servers (path 5b starts from path 1's
// compile, so it follows it) and the production ones.
test.describe("the README's `npm run dev` paths, each from a fresh checkout copy", () => {
  test.describe.configure({ mode: "default", timeout: 240_000 });
  const group = pathGroup("dev", PORTS.devFaucet);

  test("1. Quick start: `npm run dev`, demo mode", async ({ page, request }) => {
    test.setTimeout(DEV_TEST_MS);
    const script = replaced(QUICK_START.trim(), /^npm install && /, "");
    expect(script).toBe("npm run dev");
    const copy = group.checkoutCopy("dev", { withBuild: false });
    expectInstallTemplate(copy);
    // Stopped so that it leaves its compile in the copy's cache, for path 5b's `npm run dev`.
    const { shell, url } = await group.start("dev", copy, script, PORTS.dev, DEV_START_MS, { persistDevCache: true });
    // The signed-in /agents is compiled on this first sign-in (the warm-up above could only reach its
    // signed-out redirect): on the CI machine that took over 10 s, as it may on a user's first `npm run dev`.
    await demoSignInAndRotate(page, request, shell, url, { signedInWithinMs: DEV_FIRST_SIGN_IN_MS });
    expect(shell.log()).toContain(LOADED_INSTALL_TEMPLATE);
    expectPrivateDataDir(copy);
    await shell.stop();
  });

  test("5b. the stand-alone section's `npm run dev` with FAUCET_API_URL and SESSION_SECRET=...", async ({
    page,
    request,
  }) => {
    test.setTimeout(DEV_TEST_MS);
    let command = replaced(STAND_ALONE[1] ?? "", "http://127.0.0.1:4010/ai-agents/api", group.faucetUrl);
    command = replaced(command, "SESSION_SECRET=...", `SESSION_SECRET=${randomBytes(36).toString("base64url")}`);
    // Path 1's copy, as it would be with no .data/, and its dev compile (Turbopack's cache, written when path 1
    // stopped): a second compile from nothing would double this spec's time.
    const copy = path.join(group.copies, "dev");
    rmSync(path.join(copy, ".data"), { recursive: true, force: true });
    if (!existsSync(copy)) group.checkoutCopy("dev", { withBuild: false });
    expectInstallTemplate(copy);
    const { shell, url } = await group.start("dev-remote", copy, command, PORTS.devRemote, DEV_START_MS);
    // Path 1's cache holds the demo operator's pages; on CI's machine this first sign-in still took over 10 s.
    const agent = await signInNewOperator(page, request, group.faucetUrl, url, "Dev Remote Operator", {
      signedInWithinMs: DEV_FIRST_SIGN_IN_MS,
    });
    await rotateAndCheck(page, request, group.faucetUrl, agent);
    expect(shell.log()).toContain(LOADED_INSTALL_TEMPLATE);
    expectPrivateDataDir(copy);
    await shell.stop();
  });
});

test.describe("the README's `npm start` and deployment paths, each from a fresh checkout copy", () => {
  test.describe.configure({ mode: "default", timeout: 240_000 });
  const group = pathGroup("built", PORTS.faucet);

  test("2 and 5. `npm run build && npm start` with FAUCET_API_URL and SESSION_SECRET, on the README's stand-alone faucet", async ({
    page,
    request,
  }) => {
    const copy = group.checkoutCopy("remote", { withBuild: true });
    const script = withSharedBuild(replaced(REAL_FAUCET, "https://lightningfaucet.com/ai-agents/api", group.faucetUrl));
    const { shell, url } = await group.start("remote", copy, script, PORTS.remote);
    const agent = await signInNewOperator(page, request, group.faucetUrl, url, "Remote Path Operator");
    await rotateAndCheck(page, request, group.faucetUrl, agent);
    expect(shell.log()).toContain(LOADED_BUILD_TEMPLATE);
    expectPrivateDataDir(copy);
    await shell.stop();
  });

  test("3. `npm start` with FAUCET_DEMO=1", async ({ page, request }) => {
    expect(README).toMatch(
      /a production server\s+\(`npm start`, `NODE_ENV=production`\) is in demo mode only with `FAUCET_DEMO=1`/,
    );
    const copy = group.checkoutCopy("demo", { withBuild: true });
    const { shell, url } = await group.start("demo", copy, "FAUCET_DEMO=1 npm start", PORTS.demo);
    await demoSignInAndRotate(page, request, shell, url);
    expect(shell.log()).toContain(LOADED_BUILD_TEMPLATE);
    expectPrivateDataDir(copy);
    await shell.stop();
  });

  test("4. `npm start` with DATABASE_URL (a throwaway PostgreSQL) and FAUCET_API_URL", async ({ page, request }) => {
    const postgres = (group.postgres = await createPostgresCluster({ port: PORTS.postgres }));
    const onPostgres = replaced(
      ON_POSTGRES,
      /^export DATABASE_URL=postgres:\/\/console:secret@db\.internal:5432\/console$/m,
      `export DATABASE_URL=${postgres.url}`,
    );
    const copy = group.checkoutCopy("postgres", { withBuild: true });
    const { shell, url } = await group.start(
      "postgres",
      copy,
      `${realFaucetExports(REAL_FAUCET, group.faucetUrl)}\n${withSharedBuild(onPostgres)}`,
      PORTS.postgresConsole,
    );
    const agent = await signInNewOperator(page, request, group.faucetUrl, url, "Postgres Path Operator");
    await rotateAndCheck(page, request, group.faucetUrl, agent);
    // No store, secret or faucet under the data dir (the secret is given, the store is PostgreSQL). The one
    // file this path may write there is the instance's signed audit checkpoints (AUDIT_CHECKPOINT_FILE's
    // default, README "Audit log"), first written 10 s after start: kept off the database on purpose.
    const written = existsSync(path.join(copy, ".data")) ? readdirSync(path.join(copy, ".data")) : [];
    expect(written.filter((name) => name !== "audit-checkpoints.jsonl")).toEqual([]);
    await shell.stop();
  });

  test("6. Deploying: the standalone `server.js` from `.next/standalone`, static files copied, on PostgreSQL and the stand-alone faucet", async ({
    page,
    request,
  }) => {
    const postgres = (group.postgres ??= await createPostgresCluster({ port: PORTS.postgres }));
    const copy = group.checkoutCopy("standalone", { withBuild: true });
    expect(
      existsSync(path.join(copy, ".next", "standalone", "server.js")),
      "the build has .next/standalone/server.js (output: standalone)",
    ).toBe(true);
    // The build is the shared one (test:e2e's `npm run build`); the rest runs exactly as written.
    let script = replaced(DEPLOYING, /^npm run build\n/m, "");
    script = replaced(
      script,
      /^export DATABASE_URL=postgres:\/\/console:secret@db\.internal:5432\/console$/m,
      `export DATABASE_URL=${postgres.url}`,
    );
    script = replaced(script, "https://lightningfaucet.com/ai-agents/api", group.faucetUrl);
    script = replaced(script, "SESSION_SECRET=...", `SESSION_SECRET=${randomBytes(36).toString("base64url")}`);
    script = replaced(
      script,
      "NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=...",
      `NEXT_SERVER_ACTIONS_ENCRYPTION_KEY=${randomBytes(32).toString("base64")}`,
    );
    script = replaced(script, /^PORT=3000 /m, `PORT=${PORTS.standalone} `);
    const { shell, url } = await group.start("standalone", copy, script, PORTS.standalone);
    // Served by server.js from its own directory: the static files it was given, not `next start`.
    expect(shell.log()).not.toContain("next start");
    const agent = await signInNewOperator(page, request, group.faucetUrl, url, "Standalone Path Operator");
    await rotateAndCheck(page, request, group.faucetUrl, agent);
    expect((await fetch(`${url}/api/readyz`)).status).toBe(200);
    await shell.stop();
  });
});

// A worker that dies mid-run must not leave servers behind.
process.once("exit", () => {
  for (const child of running) {
    try {
      if (child.pid) process.kill(-child.pid, "SIGKILL");
    } catch {
      // Already gone.
    }
  }
});
