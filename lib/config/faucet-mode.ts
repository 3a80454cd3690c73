import { ConfigError } from "./config-error";

/**
 * Which faucet the console talks to. Demo mode is the embedded faucet with its demo
 * operator and its public HTTP endpoint: on by default in development, and in production
 * only when FAUCET_DEMO=1 says so, because anyone who reaches the console reaches it.
 */
export type FaucetMode = { kind: "remote"; url: string } | { kind: "demo" } | { kind: "none" };

export function faucetMode(env: NodeJS.ProcessEnv = process.env): FaucetMode {
  const url = env.FAUCET_API_URL?.trim();
  if (url) return { kind: "remote", url };
  if (env.NODE_ENV !== "production" || env.FAUCET_DEMO?.trim() === "1") return { kind: "demo" };
  return { kind: "none" };
}

export function isDemoMode(env: NodeJS.ProcessEnv = process.env): boolean {
  return faucetMode(env).kind === "demo";
}

/** 127.0.0.0/8, ::1 and localhost: a plain-http faucet there never crosses a network. */
function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * A faucet URL as it may be printed: origin and path only. Credentials (user:password@),
 * a query (?token=…) or a fragment could carry a secret, so they are never shown; an
 * unparseable value is not echoed at all.
 */
export function printableFaucetUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.origin === "null" ? "(not an http(s) URL)" : `${parsed.origin}${parsed.pathname}`;
  } catch {
    return "(not a URL)";
  }
}

/** FAUCET_API_URL carries operator keys: https only, except to a faucet on this machine. */
export function checkFaucetUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`FAUCET_API_URL must be an https:// URL; got ${printableFaucetUrl(url)}.`);
  }
  if (parsed.protocol === "https:") return;
  if (parsed.protocol === "http:" && isLoopbackHost(parsed.hostname)) return;
  if (parsed.protocol === "http:") {
    throw new ConfigError(`FAUCET_API_URL must use https:// (operator keys travel in it); plain http is accepted only for a loopback address. Got "${printableFaucetUrl(url)}".`);
  }
  throw new ConfigError(`FAUCET_API_URL must be an https:// URL; got ${printableFaucetUrl(url)}.`);
}

/** Start-up's verdict on the faucet settings: the mode to announce, or a ConfigError. */
export function checkFaucetMode(env: NodeJS.ProcessEnv = process.env): FaucetMode {
  const mode = faucetMode(env);
  if (mode.kind === "remote") checkFaucetUrl(mode.url);
  if (mode.kind === "none") {
    throw new ConfigError(
      "no faucet configured. In production set FAUCET_API_URL to the faucet's https:// endpoint, or set FAUCET_DEMO=1 to run the embedded demo faucet (its demo operator and HTTP endpoint are then open to anyone who can reach the console).",
    );
  }
  return mode;
}

export function describeFaucetMode(mode: FaucetMode): string {
  if (mode.kind === "remote") return `faucet at ${printableFaucetUrl(mode.url)}`;
  return "DEMO MODE: embedded faucet with a public demo operator and HTTP endpoint (keyless calls rate-limited, operators and agents capped)";
}
