#!/usr/bin/env node
// Faucet Console hand-off receiver: node receive.mjs '<console>/handoff/<id>#<token>'
// Collects the key once (POST, token as a bearer) and writes $LIGHTNING_WALLET_HOME/credentials.json
// (default ~/.lightning-wallet) with mode 0600, atomically, keeping an existing operator entry and
// making the agent active. No dependencies; Node 18 or newer. One line and a non-zero exit on any failure.
//
// Agent hosts (the console's "Connect agent host"):
//   node receive.mjs enrol '<console>/hosts/enrol/<id>#<token>'
//     makes an X25519 key pair (new keys are sealed to it) and an Ed25519 key pair (it signs its
//     requests), keeps them in $LIGHTNING_WALLET_HOME/host.json (mode 0600, directory 0700) and
//     registers the two public keys and this machine's name with the console, once.
//   node receive.mjs watch [--interval 10] [--then '<command>'] [--once]
//     asks the console for new keys every --interval seconds with a signed request, opens each,
//     writes credentials.json as above, acknowledges it (the console then deletes it), prints one
//     line per key (never the key) and runs --then after each. --once: one poll, for cron.
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
import { spawn } from "node:child_process";
import {
  createDecipheriv,
  createHash,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  sign,
} from "node:crypto";
import { homedir, hostname } from "node:os";
import { join } from "node:path";

function fail(message) {
  process.stderr.write(`receive.mjs: ${message}\n`);
  process.exit(1);
}

if (Number(process.versions.node.split(".")[0]) < 18) fail(`Node 18 or newer is needed (this is ${process.version}).`);
if (process.argv[2] === "enrol") {
  await enrol(process.argv.slice(3));
  process.exit(0);
}
if (process.argv[2] === "watch") {
  await watch(process.argv.slice(3));
  process.exit(0);
}
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

// ---- Agent hosts ----------------------------------------------------------------------------

function walletHome() {
  return process.env.LIGHTNING_WALLET_HOME || join(homedir(), ".lightning-wallet");
}

function describeFetchError(error) {
  return (
    error.cause?.code ??
    error.cause?.errors?.[0]?.code ??
    (error.name === "TimeoutError" ? "no answer in 30 s" : (error.cause?.message ?? error.message))
  );
}

/** Writes text to file atomically with mode 0600 (a temporary file in the same directory, then rename). */
function writePrivately(file, text) {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const descriptor = openSync(temp, "wx", 0o600);
  try {
    writeSync(descriptor, text);
    fsyncSync(descriptor);
  } finally {
    closeSync(descriptor);
  }
  try {
    chmodSync(temp, 0o600);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

async function readReply(response, origin) {
  let body;
  try {
    body = JSON.parse(await response.text());
  } catch {
    throw new Error(`${origin} answered ${response.status} with something that is not the console's JSON.`);
  }
  if (!response.ok) {
    const error = new Error(
      `${typeof body.message === "string" ? body.message : "the console refused"} (HTTP ${response.status}${typeof body.code === "string" ? `, ${body.code}` : ""}).`,
    );
    error.code = body.code;
    error.status = response.status;
    throw error;
  }
  return body;
}

async function enrol(args) {
  if (args.length !== 1) fail("usage: node receive.mjs enrol '<console>/hosts/enrol/<id>#<token>' (quote the link)");
  let url;
  try {
    url = new URL(args[0]);
  } catch {
    fail("that is not a link; copy the whole enrolment link, in quotes.");
  }
  const id = /^\/hosts\/enrol\/([A-Za-z0-9_-]{22})$/.exec(url.pathname)?.[1];
  if (!id || (url.protocol !== "https:" && url.protocol !== "http:"))
    fail("that is not an enrolment link (<console>/hosts/enrol/<id>#<token>).");
  const token = url.hash.slice(1);
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) fail("the link has no token after #: copy the whole link, in single quotes.");
  const home = walletHome();
  const file = join(home, "host.json");
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 });
    chmodSync(home, 0o700);
  } catch (error) {
    fail(`cannot use ${home} (${error.code ?? error.message}). The link was not used.`);
  }
  const sealing = generateKeyPairSync("x25519").privateKey.export({ format: "jwk" });
  const signing = generateKeyPairSync("ed25519").privateKey.export({ format: "jwk" });
  const name = (hostname() || "host").replace(/[^\x20-\x7e]/g, "?").slice(0, 100);
  let body;
  try {
    const response = await fetch(new URL(`/api/hosts/enrol/${id}`, url.origin), {
      method: "POST",
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        "user-agent": "faucet-console-receive/1",
      },
      body: JSON.stringify({ name, sealing_public_key: sealing.x, signing_public_key: signing.x }),
      redirect: "error",
      signal: AbortSignal.timeout(30_000),
    });
    body = await readReply(response, url.origin);
  } catch (error) {
    if (error.status) fail(error.message);
    fail(`cannot reach ${url.origin} (${describeFetchError(error)}).`);
  }
  const host = {
    version: 1,
    console: url.origin,
    host_id: body.host_id,
    agent_id: body.agent_id,
    agent_name: body.agent_name,
    api_url: typeof body.api_url === "string" ? body.api_url : null,
    name,
    enrolled_at: new Date().toISOString(),
    sealing: { public: sealing.x, private: sealing.d },
    signing: { public: signing.x, private: signing.d },
  };
  try {
    writePrivately(file, `${JSON.stringify(host, null, 2)}\n`);
  } catch (error) {
    fail(
      `enrolled, but ${file} could not be written (${error.code ?? error.message}); ask the operator for a new link.`,
    );
  }
  process.stdout.write(
    `Enrolled ${name} for ${body.agent_name} (agent ${body.agent_id}); its keys are in ${file} (mode 0600). Now run: node receive.mjs watch\n`,
  );
}

function parseWatchArgs(args) {
  const options = { interval: 10, then: null, once: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index];
    if (arg === "--once") options.once = true;
    else if (arg === "--interval") {
      const value = Number(args[++index]);
      if (!Number.isFinite(value) || value < 0.2 || value > 86_400) fail("--interval takes seconds, 0.2 to 86400.");
      options.interval = value;
    } else if (arg === "--then") {
      options.then = args[++index];
      if (!options.then) fail("--then takes a command, in quotes.");
    } else fail(`unknown option ${arg}; usage: node receive.mjs watch [--interval 10] [--then '<command>'] [--once]`);
  }
  return options;
}

function readHost(file) {
  let host;
  try {
    host = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    fail(
      error.code === "ENOENT"
        ? `${file} does not exist: enrol this machine first (node receive.mjs enrol '<link>').`
        : `${file} cannot be read (${error.message}).`,
    );
  }
  if (!host?.host_id || !host.console || !host.sealing?.private || !host.signing?.private)
    fail(`${file} is not a host file made by receive.mjs enrol.`);
  return host;
}

/** The same text the console checks (lib/hosts/host-crypto.ts signedRequestText). */
function signedHeaders(host, method, path, body) {
  const time = String(Date.now());
  const nonce = randomBytes(18).toString("base64url");
  const bodyHash = createHash("sha256").update(body, "utf8").digest("base64url");
  const text = ["faucet-console host request v1", method, path, host.host_id, time, nonce, bodyHash].join("\n");
  const key = createPrivateKey({
    key: { kty: "OKP", crv: "Ed25519", x: host.signing.public, d: host.signing.private },
    format: "jwk",
  });
  return {
    "x-host-id": host.host_id,
    "x-host-time": time,
    "x-host-nonce": nonce,
    "x-host-signature": sign(null, Buffer.from(text, "utf8"), key).toString("base64url"),
    "user-agent": "faucet-console-receive/1",
  };
}

async function signedFetch(host, method, path) {
  const response = await fetch(new URL(path, host.console), {
    method,
    headers: signedHeaders(host, method, path, ""),
    redirect: "error",
    signal: AbortSignal.timeout(30_000),
  });
  return readReply(response, host.console);
}

/** The mirror of lib/hosts/host-crypto.ts sealToHost: null when the envelope does not open. */
function openEnvelope(host, envelope) {
  try {
    const privateKey = createPrivateKey({
      key: { kty: "OKP", crv: "X25519", x: host.sealing.public, d: host.sealing.private },
      format: "jwk",
    });
    const ephemeral = createPublicKey({
      key: { kty: "OKP", crv: "X25519", x: envelope.ephemeral_public_key },
      format: "jwk",
    });
    const shared = diffieHellman({ privateKey, publicKey: ephemeral });
    const salt = Buffer.concat([
      Buffer.from(envelope.ephemeral_public_key, "base64url"),
      Buffer.from(host.sealing.public, "base64url"),
    ]);
    const key = Buffer.from(hkdfSync("sha256", shared, salt, "faucet-console host envelope aes-256-gcm v1", 32));
    const box = Buffer.from(envelope.sealed_key, "base64url");
    const decipher = createDecipheriv("aes-256-gcm", key, box.subarray(0, 12));
    decipher.setAAD(Buffer.from(`${envelope.agent_id}|${envelope.rotation_id}|${host.host_id}`, "utf8"));
    decipher.setAuthTag(box.subarray(12, 28));
    return Buffer.concat([decipher.update(box.subarray(28)), decipher.final()]).toString("utf8");
  } catch {
    return null;
  }
}

/** credentials.json exactly as a hand-off writes it: atomic, 0600, keeping every other entry (operator). */
function saveCredentials(home, host, apiKey, apiUrl) {
  const file = join(home, "credentials.json");
  let existing = {};
  try {
    existing = JSON.parse(readFileSync(file, "utf8"));
    if (typeof existing !== "object" || existing === null || Array.isArray(existing)) existing = {};
  } catch (error) {
    if (error.code !== "ENOENT") throw new Error(`${file} cannot be read (${error.message}); move it away.`);
  }
  const credentials = {
    ...existing,
    version: 1,
    ...(typeof apiUrl === "string" ? { api_url: apiUrl } : {}),
    active: "agent",
    agent: { api_key: apiKey, id: host.agent_id, name: host.agent_name, saved_at: new Date().toISOString() },
  };
  writePrivately(file, `${JSON.stringify(credentials, null, 2)}\n`);
  return file;
}

function runThen(command) {
  return new Promise((resolve) => {
    const child = spawn(command, { shell: true, stdio: "inherit" });
    child.on("error", (error) => {
      process.stderr.write(`receive.mjs: --then could not start (${error.message}).\n`);
      resolve();
    });
    child.on("exit", (code, signal) => {
      if (code !== 0) process.stderr.write(`receive.mjs: --then ended with ${signal ?? `exit code ${code}`}.\n`);
      resolve();
    });
  });
}

/** One poll: every waiting envelope opened, written, acknowledged. Returns how many keys were written. */
async function pollOnce(home, host, options) {
  const reply = await signedFetch(host, "GET", "/api/hosts/envelopes");
  let written = 0;
  for (const envelope of reply.envelopes ?? []) {
    const apiKey = openEnvelope(host, envelope);
    if (!apiKey) {
      process.stderr.write(
        `receive.mjs: envelope ${envelope.id} does not open with this host's key; left for the operator to see.\n`,
      );
      continue;
    }
    const file = saveCredentials(home, host, apiKey, reply.api_url ?? host.api_url);
    await signedFetch(host, "POST", `/api/hosts/envelopes/${envelope.id}/ack`);
    written++;
    process.stdout.write(
      `${new Date().toISOString()} received a new key of ${host.agent_name} (agent ${host.agent_id}, rotation ${envelope.rotation_id}); saved to ${file}\n`,
    );
    if (options.then) await runThen(options.then);
  }
  return written;
}

async function watch(args) {
  const options = parseWatchArgs(args);
  const home = walletHome();
  const host = readHost(join(home, "host.json"));
  if (process.env.LIGHTNING_WALLET_API_KEY) {
    process.stderr.write(
      "receive.mjs: warning: LIGHTNING_WALLET_API_KEY is set and overrides credentials.json; unset it so new keys are used.\n",
    );
  }
  let stopping = false;
  let wake = null;
  for (const signal of ["SIGTERM", "SIGINT"])
    process.on(signal, () => {
      stopping = true;
      wake?.();
    });
  if (!options.once)
    process.stdout.write(
      `Watching ${host.console} for new keys of ${host.agent_name} every ${options.interval} s (host ${host.name}).\n`,
    );
  while (!stopping) {
    try {
      await pollOnce(home, host, options);
    } catch (error) {
      if (error.code === "disconnected" || error.code === "unknown_host") fail(error.message);
      process.stderr.write(
        `receive.mjs: ${error.status ? error.message : `cannot reach ${host.console} (${describeFetchError(error)})`} Trying again in ${options.interval} s.\n`,
      );
      if (options.once) process.exit(1);
    }
    if (options.once) return;
    await new Promise((resolve) => {
      wake = resolve;
      setTimeout(resolve, options.interval * 1000);
    });
  }
}
