import { execFile, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, type Page } from "@playwright/test";

/** An agent's host in e2e: `receive.mjs` (public/handoff) run for real in a temp $LIGHTNING_WALLET_HOME. */
export const run = promisify(execFile);
export const RECEIVER = path.join(process.cwd(), "public", "handoff", "receive.mjs");
export const OPERATOR_ENTRY = { api_key: "lf_keptoperatorkey000000000000000000", id: 1, name: "Kept" };

export function walletHome(): string {
  const home = mkdtempSync(path.join(tmpdir(), "host-wallet-"));
  writeFileSync(
    path.join(home, "credentials.json"),
    JSON.stringify({ version: 1, active: "operator", operator: OPERATOR_ENTRY }),
    { mode: 0o600 },
  );
  return home;
}

export function receiverEnv(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LIGHTNING_WALLET_HOME: home };
  delete env.LIGHTNING_WALLET_API_KEY;
  return env;
}

/** The agent key credentials.json holds now, or null. */
export function agentKeyIn(home: string): string | null {
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
export async function makeEnrolmentLink(page: Page, agentName: string): Promise<string> {
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

export async function enrol(link: string, home: string) {
  const { stdout } = await run(process.execPath, [RECEIVER, "enrol", link], {
    env: receiverEnv(home),
    timeout: 30_000,
  });
  expect(stdout).toContain("Enrolled");
  expect(statSync(path.join(home, "host.json")).mode & 0o777).toBe(0o600);
  expect(statSync(home).mode & 0o777).toBe(0o700);
  return JSON.parse(readFileSync(path.join(home, "host.json"), "utf8")) as { name: string; host_id: string };
}

export function startWatch(home: string, args: string[]): { child: ChildProcess; output: () => string } {
  let output = "";
  const child = spawn(process.execPath, [RECEIVER, "watch", ...args], { env: receiverEnv(home) });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

export async function stop(child: ChildProcess) {
  // Ended already, by itself or by a signal ("exit" fired then; waiting for it again would hang).
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}
