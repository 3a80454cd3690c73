#!/usr/bin/env node
// Faucet Console hand-off receiver: node receive.mjs '<console>/handoff/<id>#<token>'
// Collects the key once (POST, token as a bearer) and writes $LIGHTNING_WALLET_HOME/credentials.json
// (default ~/.lightning-wallet) with mode 0600, atomically, keeping an existing operator entry and
// making the agent active. No dependencies; Node 18 or newer. One line and a non-zero exit on any failure.
import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
  fsyncSync,
  chmodSync,
} from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

function fail(message) {
  process.stderr.write(`receive.mjs: ${message}\n`);
  process.exit(1);
}

if (Number(process.versions.node.split(".")[0]) < 18) fail(`Node 18 or newer is needed (this is ${process.version}).`);
const link = process.argv[2];
if (!link || process.argv.length > 3)
  fail("usage: node receive.mjs '<console>/handoff/<id>#<token>' (quote the link: it contains #)");
let url;
try {
  url = new URL(link);
} catch {
  fail("that is not a link; copy the whole hand-off link, in quotes.");
}
const id = /^\/handoff\/([A-Za-z0-9_-]{22})$/.exec(url.pathname)?.[1];
if (!id || (url.protocol !== "https:" && url.protocol !== "http:"))
  fail("that is not a hand-off link (<console>/handoff/<id>#<token>).");
const token = url.hash.slice(1);
if (!/^[A-Za-z0-9_-]{43}$/.test(token)) fail("the link has no token after #: copy the whole link, in single quotes.");

const home = process.env.LIGHTNING_WALLET_HOME || join(homedir(), ".lightning-wallet");
const file = join(home, "credentials.json");
if (process.env.LIGHTNING_WALLET_API_KEY) {
  process.stderr.write(
    "receive.mjs: warning: LIGHTNING_WALLET_API_KEY is set and overrides credentials.json; unset it so the new key is used.\n",
  );
}

// Everything that can fail locally fails before the link is used: a key must never be collected and then lost.
let existing = {};
try {
  existing = JSON.parse(readFileSync(file, "utf8"));
  if (typeof existing !== "object" || existing === null || Array.isArray(existing))
    throw new Error("not a JSON object");
} catch (error) {
  if (error.code !== "ENOENT")
    fail(`${file} exists but cannot be read (${error.message}); move it away and run again. The link was not used.`);
  existing = {};
}
const temp = join(home, `.credentials.json.${process.pid}.tmp`);
let descriptor;
try {
  mkdirSync(home, { recursive: true, mode: 0o700 });
  descriptor = openSync(temp, "wx", 0o600);
} catch (error) {
  fail(`cannot write in ${home} (${error.code ?? error.message}). The link was not used.`);
}
const cleanUp = () => {
  try {
    closeSync(descriptor);
  } catch {}
  rmSync(temp, { force: true });
};

let response;
try {
  response = await fetch(new URL(`/api/handoff/${id}/redeem?format=credentials`, url.origin), {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "user-agent": "faucet-console-receive/1" },
    redirect: "error",
    signal: AbortSignal.timeout(30_000),
  });
} catch (error) {
  cleanUp();
  const cause =
    error.cause?.code ??
    error.cause?.errors?.[0]?.code ??
    (error.name === "TimeoutError" ? "no answer in 30 s" : (error.cause?.message ?? error.message));
  fail(`cannot reach ${url.origin} (${cause}). The link was not used unless the console answered.`);
}
let body;
try {
  body = JSON.parse(await response.text());
} catch {
  cleanUp();
  fail(`${url.origin} answered ${response.status} with something that is not the console's JSON.`);
}
if (!response.ok) {
  cleanUp();
  fail(
    `${typeof body.message === "string" ? body.message : "the console refused"} (HTTP ${response.status}${typeof body.code === "string" ? `, ${body.code}` : ""}).`,
  );
}
const agent = body.agent;
if (!agent || typeof agent.api_key !== "string" || !agent.api_key) {
  cleanUp();
  fail("the console's answer holds no key; ask the operator for a new hand-off.");
}

const credentials = {
  ...existing,
  version: 1,
  ...(typeof body.api_url === "string" ? { api_url: body.api_url } : {}),
  active: "agent",
  agent,
};
try {
  writeSync(descriptor, `${JSON.stringify(credentials, null, 2)}\n`);
  fsyncSync(descriptor);
  closeSync(descriptor);
  chmodSync(temp, 0o600);
  renameSync(temp, file);
} catch (error) {
  cleanUp();
  fail(
    `the key was collected but ${file} could not be written (${error.code ?? error.message}); ask the operator to rotate again.`,
  );
}
process.stdout.write(
  `Saved the new key of ${agent.name ?? "the agent"} (agent ${agent.id ?? "?"}) to ${file} (mode 0600); "agent" is now active.\n`,
);
