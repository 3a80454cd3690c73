import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Page } from "@playwright/test";
import { browserTraces, signInFreshOperator } from "./support/signed-in-operator";

test.afterEach(async ({ page }) => page.unrouteAll({ behavior: "ignoreErrors" }));

/**
 * Rotation with nobody in the loop (issue 23): an agent's host enrols once with
 * `receive.mjs enrol`, runs `receive.mjs watch`, and every rotation of that agent lands in its
 * credentials.json within seconds, sealed to the host, without the key reaching the page.
 */
const run = promisify(execFile);
const RECEIVER = path.join(process.cwd(), "public", "handoff", "receive.mjs");
const OPERATOR_ENTRY = { api_key: "lf_keptoperatorkey000000000000000000", id: 1, name: "Kept" };

function walletHome(): string {
  const home = mkdtempSync(path.join(tmpdir(), "host-wallet-"));
  writeFileSync(
    path.join(home, "credentials.json"),
    JSON.stringify({ version: 1, active: "operator", operator: OPERATOR_ENTRY }),
    { mode: 0o600 },
  );
  return home;
}

function receiverEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LIGHTNING_WALLET_HOME: home };
  delete env.LIGHTNING_WALLET_API_KEY;
  return env;
}

/** The agent key credentials.json holds now, or null. */
function agentKeyIn(home: string): string | null {
  try {
    const credentials = JSON.parse(readFileSync(path.join(home, "credentials.json"), "utf8")) as {
      agent?: { api_key?: string };
    };
    return credentials.agent?.api_key ?? null;
  } catch {
    return null;
  }
}

/** "Connect agent host" from the row menu; returns the enrolment link the dialog shows once. */
async function makeEnrolmentLink(page: Page, agentName: string): Promise<string> {
  await page.getByRole("button", { name: `More actions for ${agentName}` }).click();
  await page.getByRole("menuitem", { name: "Connect agent host" }).click();
  const dialog = page.getByRole("alertdialog", { name: `Connect a host for ${agentName}` });
  await dialog.getByRole("button", { name: "Make enrolment link" }).click();
  const status = dialog.getByRole("status");
  await expect(status).toContainText("node receive.mjs enrol");
  const link = /enrol '([^']+)'/.exec((await status.textContent()) ?? "")?.[1] ?? "";
  expect(link).toMatch(/\/hosts\/enrol\/[A-Za-z0-9_-]{22}#[A-Za-z0-9_-]{43}$/);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  return link;
}

async function enrol(link: string, home: string) {
  const { stdout } = await run(process.execPath, [RECEIVER, "enrol", link], {
    env: receiverEnv(home),
    timeout: 30_000,
  });
  expect(stdout).toContain("Enrolled");
  expect(statSync(path.join(home, "host.json")).mode & 0o777).toBe(0o600);
  expect(statSync(home).mode & 0o777).toBe(0o700);
  return JSON.parse(readFileSync(path.join(home, "host.json"), "utf8")) as { name: string; host_id: string };
}

function startWatch(home: string, args: string[]): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, [RECEIVER, "watch", ...args], { env: receiverEnv(home) });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

test("enrol a host, watch, rotate from the row: credentials.json holds a working key within 15 s and no key reached the page", async ({
  page,
  context,
  request,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const { faucet, agents } = await signInFreshOperator(page, request, baseURL, "Host Operator", {
    agentNames: ["Host Bot"],
  });
  const agent = agents[0]!;
  const bodies: string[] = [];
  page.on("response", (response) => {
    if (response.request().method() === "POST")
      void response.text().then(
        (text) => bodies.push(text),
        () => {},
      );
  });
  const home = walletHome();
  const link = await makeEnrolmentLink(page, agent.name);
  const host = await enrol(link, home);
  // The link works once.
  await expect(run(process.execPath, [RECEIVER, "enrol", link], { env: receiverEnv(home) })).rejects.toThrow(
    /already used/,
  );
  const watcher = startWatch(home, ["--interval", "1", "--then", "echo restarted-agent"]);
  try {
    await page.reload();
    await expect(page.getByText(`Host connected: ${host.name}`)).toBeVisible();

    await page.getByRole("button", { name: `Rotate key for ${agent.name}` }).click();
    const confirm = page.getByRole("alertdialog");
    await expect(confirm.getByRole("checkbox", { name: /Show key anyway/ })).not.toBeChecked();
    const started = Date.now();
    await confirm.getByRole("button", { name: "Rotate key" }).click();
    const reveal = page.getByRole("dialog", { name: `Delivered to ${host.name}` });
    await expect(reveal).toBeVisible();
    await expect(reveal.getByRole("button", { name: "Show key" })).toHaveCount(0);

    await expect.poll(() => agentKeyIn(home), { timeout: 15_000, intervals: [100] }).toMatch(/^agent_/);
    const key = agentKeyIn(home)!;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(await faucet.whoami(key)).toMatchObject({ success: true, type: "agent", id: agent.id });
    expect(await faucet.whoami(agent.key)).toMatchObject({ error_code: "invalid_key" });
    const credentials = JSON.parse(readFileSync(path.join(home, "credentials.json"), "utf8"));
    expect(credentials).toMatchObject({
      version: 1,
      active: "agent",
      operator: OPERATOR_ENTRY,
      agent: { id: agent.id },
    });
    expect(statSync(path.join(home, "credentials.json")).mode & 0o777).toBe(0o600);
    await expect.poll(watcher.output).toContain("restarted-agent");
    expect(watcher.output()).toContain("received a new key of Host Bot");
    expect(watcher.output()).not.toContain(key);

    await reveal.getByRole("button", { name: "Done" }).click();
    for (const [place, text] of Object.entries(await browserTraces(page, context)))
      expect(text.includes(key), `key found in ${place}`).toBe(false);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(body).not.toContain(key.slice(6));

    // Disconnect: the host gets nothing more, and watch says so and stops.
    await page.getByRole("button", { name: `More actions for ${agent.name}` }).click();
    await page.getByRole("menuitem", { name: "Disconnect host" }).click();
    const dialog = page.getByRole("alertdialog", { name: `Disconnect the host of ${agent.name}?` });
    await dialog.getByRole("button", { name: "Disconnect host" }).click();
    await expect(dialog.getByRole("status")).toContainText("is disconnected");
    await expect.poll(() => watcher.child.exitCode, { timeout: 10_000 }).toBe(1);
    expect(watcher.output()).toContain("disconnected this host");
  } finally {
    await stop(watcher.child);
    rmSync(home, { recursive: true, force: true });
  }
});

// The outage figure (p50/max over 20 rotations at watch's default interval, target interval + 2 s) is
// measured by `npm run bench` (bench/figures/host-outage.ts), not in a timed test.
