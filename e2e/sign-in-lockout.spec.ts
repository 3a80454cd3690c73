import { randomUUID } from "node:crypto";
import http from "node:http";
import { expect, test } from "@playwright/test";
import { dataRoot } from "./support/test-servers";
import { createAuditDatabase } from "./support/audit-store";
import { FaucetApi } from "./support/faucet-api";
import { actionResultFromStream } from "./support/server-action-protocol";
import { actionIds } from "./support/server-actions";
import { FAUCET_API, SERVERS, SHARED_SECRETS } from "./support/servers";
import { SESSION_COOKIE } from "./support/session-cookie";
import { startConsole, type SpawnedConsole } from "./support/spawned-console";

/**
 * Sign-in that nobody can lock, and no expensive work before authentication. A console with
 * the default limits and a database of its own; raw HTTP from chosen loopback addresses
 * (127.0.0.2 … are this machine too), so each client's TCP peer address is known to the test:
 * what `next start` makes of the socket is what only a real server shows. That anonymous
 * refusals write a bounded number of audit rows needs no server: in-process/limits.test.ts.
 */
const ids = actionIds();
const holder: { console?: SpawnedConsole } = {};
const consoleUrl = () => holder.console!.url;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  // startConsole waits up to 60 s for the server: more than the 45 s a hook gets by default.
  test.setTimeout(120_000);
  const databaseUrl = await createAuditDatabase(SERVERS.postgres.url);
  holder.console = await startConsole({
    dataDir: `${dataRoot}/sign-in-lockout`,
    env: { FAUCET_API_URL: FAUCET_API, FAUCET_TIMEOUT_MS: "3000", DATABASE_URL: databaseUrl, ...SHARED_SECRETS },
  });
});

test.afterAll(async () => {
  await holder.console?.stop();
});

type RawReply = { status: number; headers: http.IncomingHttpHeaders; text: string; elapsedMs: number };

/** One HTTP request from `from` (a loopback address); `body` as one buffer, or as chunks with no Content-Length. */
function send(
  from: string,
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: Buffer | Buffer[] },
): Promise<RawReply> {
  const url = new URL(path, consoleUrl());
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: options.method ?? "POST",
        localAddress: from,
        agent: false,
        headers: options.headers,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString("utf8"),
            elapsedMs: Date.now() - started,
          }),
        );
      },
    );
    // The server may answer and close before a large body is sent: that is the point.
    request.on("error", (error: NodeJS.ErrnoException) =>
      error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error),
    );
    const { body } = options;
    if (Array.isArray(body)) {
      for (const chunk of body) request.write(chunk);
      request.end();
    } else request.end(body);
  });
}

/** The sign-in form's action as the browser sends it (multipart), from a given address. */
async function signInFrom(
  from: string,
  operatorKey: string,
  extraHeaders: Record<string, string> = {},
  origin: string | null = consoleUrl(),
) {
  const form = new FormData();
  form.append("_1_operatorKey", operatorKey);
  form.append("0", JSON.stringify([null, "$K1"]));
  const encoded = new Request(consoleUrl(), { method: "POST", body: form });
  const headers: Record<string, string> = {
    "next-action": ids.signIn!,
    accept: "text/x-component",
    "content-type": encoded.headers.get("content-type")!,
    ...extraHeaders,
  };
  if (origin !== null) headers.origin = origin;
  const reply = await send(from, "/", { headers, body: Buffer.from(await encoded.arrayBuffer()) });
  return {
    ...reply,
    result: actionResultFromStream(reply.text) as { code?: string; message?: string } | null,
    cookie: String(reply.headers["set-cookie"] ?? ""),
  };
}

const junkKey = () => `lf_${randomUUID().replaceAll("-", "")}`;

test("50 junk sign-ins from one address and 50 with rotating X-Forwarded-For do not lock the real operator out of another address", async ({
  request,
}) => {
  test.setTimeout(120_000);
  const { operatorKey } = await new FaucetApi(request, FAUCET_API).newOperator("Lockout Operator", ["Lockout Bot"]);

  const fromOne = [];
  for (let attempt = 0; attempt < 50; attempt++)
    fromOne.push((await signInFrom("127.0.0.1", junkKey())).result?.message ?? "");
  // The default limit of 10 a minute holds for this address: the faucet is asked 10 times, then never.
  expect(fromOne.slice(0, 10).every((message) => message.startsWith("The faucet does not know this key"))).toBe(true);
  expect(fromOne.slice(10).every((message) => /^Too many sign-in attempts\. Try again in \d+ s\.$/.test(message))).toBe(
    true,
  );

  // The same address claiming 50 others: X-Forwarded-For is ignored without a proxy, and a
  // header named like the console's private peer header is stripped before the app sees it.
  for (let attempt = 0; attempt < 50; attempt++) {
    const forged = {
      "x-forwarded-for": `203.0.113.${attempt}`,
      "x-real-ip": `198.51.100.${attempt}`,
      [`x-console-peer-${"0".repeat(24)}`]: `192.0.2.${attempt}`,
    };
    expect((await signInFrom("127.0.0.1", junkKey(), forged)).result?.code, `forged address ${attempt}`).toBe(
      "rate_limited",
    );
  }

  // The real operator, from another address, at once.
  const real = await signInFrom("127.0.0.2", operatorKey);
  expect(real.result?.code ?? null, JSON.stringify(real.result)).toBeNull();
  expect(real.cookie).toMatch(new RegExp(`${SESSION_COOKIE}=\\S+`));
});

test("an 8 MB POST with no cookie is refused at once with a typed 413, declared or chunked", async () => {
  const eightMegabytes = Buffer.alloc(8 * 1024 * 1024, "a");
  const headers = {
    "next-action": ids.signIn!,
    accept: "text/x-component",
    origin: consoleUrl(),
    "content-type": "text/plain;charset=UTF-8",
  };
  const typed = { ok: false, code: "invalid_input", message: "The request is too large for the console." };

  const declared = await send("127.0.0.4", "/", {
    headers: { ...headers, "content-length": String(eightMegabytes.length) },
    body: eightMegabytes,
  });
  expect(declared.status).toBe(413);
  expect(JSON.parse(declared.text)).toEqual(typed);
  test.info().annotations.push({ type: "8 MB POST refused in", description: `${declared.elapsedMs} ms` });
  expect(declared.elapsedMs).toBeLessThan(500);

  // No Content-Length: the proxy stops reading at the cap.
  const chunks = Array.from({ length: 128 }, () => Buffer.alloc(64 * 1024, "a"));
  const chunked = await send("127.0.0.4", "/", { headers, body: chunks });
  expect(chunked.status).toBe(413);
  expect(JSON.parse(chunked.text)).toEqual(typed);

  // Any other POST past 64 KB is refused by its declared length alone, before any route runs.
  const route = await send("127.0.0.4", "/api/bulk/rotate-agent-key", {
    headers: {
      origin: consoleUrl(),
      "content-type": "application/json",
      "content-length": String(eightMegabytes.length),
    },
    body: eightMegabytes,
  });
  expect(route.status).toBe(413);
  expect(JSON.parse(route.text)).toEqual(typed);
});
